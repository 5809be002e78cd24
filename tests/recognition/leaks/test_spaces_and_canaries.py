"""Spaces, past versions, canaries and disclosures, through the real vault."""

import numpy as np
import pytest

from governance.errors import DomainError
from governance.platform.ledger import chain_verify, ledger_named
from recognition.engine.provenance import analyse
from recognition.leaks.spaces import known_spaces
from recognition.models import Canary, DisclosureEntry, TransformArchive, VaultSubject
from recognition.services.leaks import canaries_plant, templates_disclose
from recognition.services.vault import deployment_vault_rotate


def test_every_version_stays_known_and_an_old_copy_names_its_version(gate, other_gate,
                                                                     enrolled):
    enrolled(gate, 6)
    enrolled(other_gate, 4, offset=6)
    old_copy = templates_disclose(deployment=gate, recipient_kind="export",
                                  recipient_label="audit export", recipient_id=1)
    deployment_vault_rotate(deployment=gate, rotate_transform=True)
    assert TransformArchive.objects.filter(deployment=gate, transform_version=1).exists()
    spaces, canaries = known_spaces()
    assert sorted((s.deployment_id, s.transform_version, s.current) for s in spaces) == sorted(
        [(gate.id, 1, False), (gate.id, 2, True), (other_gate.id, 1, True)])
    real = [i for i, r in enumerate(old_copy.refs) if r.startswith("p-")][:2]
    report = analyse(old_copy.vectors[real], spaces, canaries)
    (source,) = report["sources"]
    assert (source["deployment_id"], source["transform_version"],
            source["current_version"]) == (gate.id, 1, False)
    assert source["valid_until"] is not None
    assert report["affected_subjects"][0]["subject_refs"] == sorted(
        old_copy.refs[i] for i in real)


def test_a_disclosure_carries_the_recipients_canaries_and_is_chained(gate, enrolled, world):
    enrolled(gate, 5)
    first = templates_disclose(deployment=gate, recipient_kind="export", recipient_id=7,
                               recipient_label="export 7", actor=world.inspector)
    second = templates_disclose(deployment=gate, recipient_kind="export", recipient_id=8,
                                recipient_label="export 8")
    canaries_7 = {c.canary_ref for c in Canary.objects.filter(copy_id=7)}
    canaries_8 = {c.canary_ref for c in Canary.objects.filter(copy_id=8)}
    assert len(canaries_7) == 5 and canaries_7.isdisjoint(canaries_8)
    assert canaries_7 <= set(first.refs) and len(first.refs) == 10
    entries = list(DisclosureEntry.objects.filter(deployment_id=gate.id).order_by("sequence"))
    assert [e.recipient_label for e in entries] == ["export 7", "export 8"]
    assert entries[0].canary_refs == sorted(canaries_7) and entries[0].item_count == 10
    assert chain_verify(entries) is None and ledger_named("disclosure") is not None
    # Only the canaries leak: they name export 8, not 7, nor the deployment's own copy.
    picked = [i for i, r in enumerate(second.refs) if r in canaries_8][:1]
    report = analyse(second.vectors[picked], *known_spaces())
    (hit,) = report["canary_hits"]
    assert (hit["kind"], hit["copy_id"]) == ("export", 8)
    assert second.entry.sequence == 2


def test_canaries_are_invisible_to_the_gallery(gate, enrolled, world):
    from recognition.gallery import gallery_for

    vectors = enrolled(gate, 4)
    planted = canaries_plant(deployment=gate, actor=world.inspector, k=3)
    assert VaultSubject.objects.filter(deployment=gate).count() == 4
    gallery, _secrets = gallery_for(deployment_id=gate.id)
    assert len(gallery) == 4
    # Searching with a canary finds no one; real templates stay far from every canary.
    from recognition.services.leaks import canary_vectors

    raw = canary_vectors(planted)
    assert all(np.linalg.norm(np.stack(vectors) - c, axis=1).min() >= 0.75 for c in raw)


def test_only_regulators_plant_canaries(gate, world):
    for user in (world.acme_admin, world.citizen):
        with pytest.raises(DomainError):
            canaries_plant(deployment=gate, actor=user)
    assert not Canary.objects.exists()


def test_canaries_are_destroyed_with_the_gallery_and_never_purged_before(gate, enrolled, world):
    import datetime as dt

    from django.utils import timezone

    from governance.services.retention import retention_sweep
    from recognition.models import Template

    enrolled(gate, 3)
    canaries_plant(deployment=gate, actor=world.inspector, k=2)
    Template.objects.filter(subject__subject_ref="p-0").update(
        delete_after=timezone.now() - dt.timedelta(days=1), delete_trigger="collection")
    retention_sweep()
    assert VaultSubject.objects.filter(deployment=gate).count() == 2
    assert Canary.objects.filter(deployment=gate).count() == 2  # a purge leaves them
    Template.objects.filter(subject__deployment=gate).update(
        delete_after=timezone.now() - dt.timedelta(days=1), delete_trigger="collection")
    retention_sweep()
    assert not VaultSubject.objects.filter(deployment=gate).exists()
    assert not Canary.objects.filter(deployment=gate).exists()


def test_a_regulator_without_mandate_plants_nothing(gate, world):
    with pytest.raises(DomainError):
        canaries_plant(deployment=gate, actor=world.distant_inspector)
    assert not Canary.objects.exists()


def test_verify_ledger_holds_disclosures_to_their_signed_heads(gate, enrolled):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    enrolled(gate, 2)
    templates_disclose(deployment=gate, recipient_kind="export", recipient_id=1,
                       recipient_label="one")
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert f"disclosure ledger, chain {gate.id}" in out.getvalue()
    DisclosureEntry.objects.filter(deployment_id=gate.id).update(recipient_label="someone else")
    with pytest.raises(CommandError):
        call_command("verify_ledger", stdout=StringIO())
