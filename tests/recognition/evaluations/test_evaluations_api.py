"""The evaluation API: a real run on people/, permissions, bad input stores nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import DeletionCertificate, SealedFile
from recognition.engine import ENGINE_VERSION
from recognition.models import Evaluation, EvaluationSet
from tests.factories import active_gate

from .conftest import build_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(world):
    return active_gate(world.acme)


def post_zip(client, deployment, data: bytes):
    return client.post(f"/api/v1/deployments/{deployment.id}/evaluations/",
                       {"set": SimpleUploadedFile("set.zip", data, "application/zip")},
                       format="multipart")


def nothing_stored() -> bool:
    return not (Evaluation.objects.exists() or EvaluationSet.objects.exists()
                or SealedFile.objects.exists())


@pytest.fixture
def finished(world, gate, api_as, people_zip, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_zip(api_as(world.acme_admin), gate, people_zip)
    assert response.status_code == 202, response.json()
    return Evaluation.objects.get(pk=response.json()["id"])


def test_a_zip_of_people_is_sealed_evaluated_and_reported(world, gate, api_as, finished):
    body = api_as(world.acme_admin).get(f"/api/v1/evaluations/{finished.id}/").json()
    assert (body["status"], body["progress"], body["threshold"]) == ("done", 100, 0.6)
    # 15 photos, lin_manuel_miranda's only one excluded at upload; two faces: refused.
    assert (body["images"], body["identities"]) == (14, 5)
    assert body["failures_to_enrol"] == {"multiple_faces": 1} and body["fte_count"] == 1
    assert body["exclusions"] == {"non_images": 1, "single_image_identities":
                                  ["lin_manuel_miranda"], "ignored_entries": 0}
    # 13 templates: obama 5, the others 2 each -> 10 + 4 genuine pairs, 78 - 14 impostors.
    assert (body["genuine_pairs"], body["impostor_pairs"]) == (14, 64)
    assert (body["fmr"], body["fnmr"]) == (0.0, 0.0)
    assert body["engine_version"] == ENGINE_VERSION
    groups = {g["name"]: g for g in body["groups"]}
    assert set(groups) == {"sex=F", "sex=M"}
    assert (groups["sex=M"]["genuine_pairs"], groups["sex=M"]["impostor_pairs"]) == (13, 42)
    assert groups["sex=F"]["impostor_pairs"] == 0 and groups["sex=F"]["warnings"]
    assert 0 < body["recommended_threshold"] <= 0.6
    assert body["calibration"]["target_fmr"] == 1e-3
    assert len(body["closest_impostors"]) == 10
    sealed = SealedFile.objects.get()
    assert (sealed.purpose, sealed.content_type) == ("evaluation_set", "application/zip")
    assert EvaluationSet.objects.get().delete_after is not None


def test_the_regulator_sees_the_figures_but_not_the_look_alike_pairs(world, api_as, finished):
    body = api_as(world.inspector).get(f"/api/v1/evaluations/{finished.id}/").json()
    assert body["status"] == "done" and "closest_impostors" not in body


@pytest.mark.parametrize("persona", ["other_admin", "distant_inspector", "auditor", "citizen"])
def test_others_cannot_learn_an_evaluation_exists(world, api_as, finished, persona):
    client = api_as(world.user(persona))
    assert client.get(f"/api/v1/evaluations/{finished.id}/").status_code == 404
    assert client.get(f"/api/v1/evaluations/{finished.id}/det.svg").status_code == 404


@pytest.mark.parametrize(("persona", "status"), [
    ("acme_admin", 202), ("inspector", 202), ("acme_operator", 403), ("other_admin", 404),
    ("distant_inspector", 404), ("auditor", 404), ("citizen", 404), ("anonymous", 401)])
def test_who_may_request_an_evaluation(world, gate, api_as, persona, status, settings, tmp_path):
    reference = tmp_path / "ref"
    for person in ("a", "b"):
        (reference / person).mkdir(parents=True)
        for i in (1, 2):
            (reference / person / f"{i}.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 10)
    settings.FACEGOV_REFERENCE_SET_DIR = str(reference)
    response = api_as(world.user(persona)).post(
        f"/api/v1/deployments/{gate.id}/evaluations/", {"reference_set": True}, format="json")
    assert response.status_code == status
    assert Evaluation.objects.count() == (1 if status == 202 else 0)


def test_the_det_curve_is_a_readable_svg_with_the_operating_point(world, api_as, finished):
    response = api_as(world.acme_admin).get(f"/api/v1/evaluations/{finished.id}/det.svg")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "<title>DET curve" in svg
    assert "False match rate (FMR)" in svg and "False non-match rate (FNMR)" in svg
    assert "Operating point, threshold 0.6" in svg and "<polyline" in svg


@pytest.mark.parametrize(("files", "code", "status"), [
    ({"../x/1.jpg": b"\xff\xd8\xff"}, "zip_path_traversal", 400),
    ({"groups.csv": b"identity,sex\nghost,F\n"}, "groups_csv_unknown_identity", 400),
])
def test_a_bad_zip_is_refused_with_its_code_and_nothing_is_stored(world, gate, api_as, files,
                                                                  code, status):
    jpeg = b"\xff\xd8\xff" + b"\0" * 10
    data = build_zip({"a/1.jpg": jpeg, "a/2.jpg": jpeg, "b/1.jpg": jpeg, "b/2.jpg": jpeg,
                      **files})
    response = post_zip(api_as(world.acme_admin), gate, data)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert nothing_stored()


def test_a_file_that_is_not_a_zip_is_refused_and_nothing_is_stored(world, gate, api_as):
    response = post_zip(api_as(world.acme_admin), gate, b"just text, not an archive")
    assert (response.status_code, response.json()["code"]) == (400, "zip_invalid")
    assert nothing_stored()


def test_asking_for_both_or_neither_set_is_refused(world, gate, api_as):
    response = api_as(world.acme_admin).post(f"/api/v1/deployments/{gate.id}/evaluations/",
                                             {}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "evaluation_set_required")
    assert nothing_stored()


def test_an_expired_set_is_shredded_with_a_certificate_and_the_figures_stay(finished):
    from django.utils import timezone

    from governance.services.retention import retention_destroy_due

    EvaluationSet.objects.update(delete_after=timezone.now())
    report = retention_destroy_due(deployment_id=finished.deployment_id)
    assert report.by_category == {"evaluation_set": 1}
    sealed = SealedFile.objects.get()
    assert sealed.is_destroyed and bytes(sealed.wrapped_key) == b""
    certificate = DeletionCertificate.objects.get(category="evaluation_set")
    assert certificate.count == 1
    finished.refresh_from_db()
    assert finished.results["fmr"]["value"] == 0.0 and finished.closest_impostors == []
    assert "identities" not in EvaluationSet.objects.get().manifest
