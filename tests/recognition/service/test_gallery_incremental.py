"""The in-process gallery (no shard workers) is updated, not rebuilt: after an enrolment only
the new template is decrypted, after a deletion none is and the deleted person is never
found, and only a transform rotation decrypts every template again."""

import pytest

from recognition.gallery import _galleries, gallery_for
from recognition.models import Template, VaultSubject
from recognition.services.recognition import Caller, recognition_subject_delete
from recognition.services.vault import deployment_vault_rotate, template_store

ENROLLED = {  # subject ref -> the photo enrolled; the person's other photo is the probe
    "obama": ("people/obama/obama_1.jpg", "people/obama/obama_2.jpg"),
    "biden": ("people/biden/biden_1.jpg", "people/biden/biden_2.jpg"),
    "kit": ("people/kit_harington/kit_harington_1.jpg",
            "people/kit_harington/kit_harington_2.jpg"),
    "rose": ("people/rose_leslie/rose_leslie_1.jpg", "people/rose_leslie/rose_leslie_2.jpg"),
}
ALEX = ("people/alex_lacamoire/alex_lacamoire_1.jpg", "people/alex_lacamoire/alex_lacamoire_2.png")


@pytest.fixture
def enrolled(gate, people_templates):
    for ref, (photo, _) in ENROLLED.items():
        template_store(deployment=gate, subject_ref=ref, vector=people_templates[photo].vector)
    return gate


def identify(gate, people_templates, photo) -> list[str]:
    """Subject refs the in-process gallery returns for the photo, nearest first."""
    index, secrets = gallery_for(deployment_id=gate.id)
    probe = secrets.transform.apply(people_templates[photo].vector)
    found = index.search(probe, top_k=5, threshold=gate.threshold)
    refs = dict(VaultSubject.objects.values_list("id", "subject_ref"))
    return [refs.get(c.subject_ref, f"gone:{c.subject_ref}") for c in found]


def template_ids(ref: str) -> list[int]:
    return list(Template.objects.filter(subject__subject_ref=ref).values_list("id", flat=True))


def test_after_an_enrolment_only_the_new_template_is_decrypted_and_the_person_is_found(
        enrolled, people_templates, decrypted):
    assert identify(enrolled, people_templates, ALEX[1]) == []  # not enrolled yet
    assert sorted(decrypted) == sorted(Template.objects.values_list("id", flat=True))  # first load
    held = _galleries[enrolled.id]
    decrypted.clear()

    template_store(deployment=enrolled, subject_ref="alex", vector=people_templates[ALEX[0]].vector)
    assert identify(enrolled, people_templates, ALEX[1])[0] == "alex"
    assert decrypted == template_ids("alex")  # the one new template, nothing else
    updated = _galleries[enrolled.id]
    assert updated is not held and updated.version == held.version + 1
    assert len(updated.index) == 5
    for ref, (_, probe) in ENROLLED.items():  # everyone else still found
        assert identify(enrolled, people_templates, probe)[0] == ref
    assert decrypted == template_ids("alex")  # and no reload since


def test_after_a_deletion_nothing_is_decrypted_and_the_person_is_never_returned(
        enrolled, people_templates, decrypted):
    assert identify(enrolled, people_templates, ENROLLED["obama"][1])[0] == "obama"
    decrypted.clear()

    recognition_subject_delete(caller=Caller(deployment=enrolled, api_key=None),
                               subject_ref="obama", reason="operator_request")
    found = identify(enrolled, people_templates, ENROLLED["obama"][1])
    assert "obama" not in found and not any(ref.startswith("gone:") for ref in found)
    assert decrypted == []
    assert len(_galleries[enrolled.id].index) == 3
    for ref in ("biden", "kit", "rose"):
        assert identify(enrolled, people_templates, ENROLLED[ref][1])[0] == ref


def test_a_transform_rotation_decrypts_every_template_again_a_key_rotation_none(
        enrolled, people_templates, decrypted):
    assert identify(enrolled, people_templates, ENROLLED["kit"][1])[0] == "kit"
    everyone = sorted(Template.objects.values_list("id", flat=True))
    decrypted.clear()

    deployment_vault_rotate(deployment=enrolled, rotate_key=True, rotate_transform=False)
    assert identify(enrolled, people_templates, ENROLLED["kit"][1])[0] == "kit"
    assert decrypted == []  # the same stored vectors, only their keys re-wrapped

    deployment_vault_rotate(deployment=enrolled, rotate_key=True, rotate_transform=True)
    assert identify(enrolled, people_templates, ENROLLED["kit"][1])[0] == "kit"
    assert sorted(decrypted) == everyone  # re-issued under the same ids: a full reload
    held = _galleries[enrolled.id]
    assert (held.transform_version, held.index.tombstones, len(held.index)) == (2, 0, 4)


def test_an_approximate_gallery_is_updated_without_decrypting_the_others(
        enrolled, people_templates, decrypted, world):
    pytest.importorskip("faiss")
    from recognition.engine.approximate import ApproximateGalleryIndex, IndexConfig
    from recognition.services.approximate import gallery_index_choose

    gallery_index_choose(deployment=enrolled, actor=world.acme_admin,
                         config=IndexConfig(kind="hnsw"))
    assert identify(enrolled, people_templates, ENROLLED["rose"][1])[0] == "rose"
    decrypted.clear()

    template_store(deployment=enrolled, subject_ref="alex", vector=people_templates[ALEX[0]].vector)
    assert identify(enrolled, people_templates, ALEX[1])[0] == "alex"
    assert decrypted == template_ids("alex")
    assert isinstance(_galleries[enrolled.id].index, ApproximateGalleryIndex)
