"""Leak cases (issue 15): upload, analysis job, evidence, interception, refusals, access."""

import io
import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import EvidenceItem, InvestigationLogEntry, LeakCase
from governance.models import DeploymentStatus, Notification, SealedFile, SubjectLink
from recognition.gallery import gallery_forget
from recognition.models import ApiKey, Canary, DeploymentKey, VaultSubject
from recognition.services.apikeys import api_key_create
from recognition.services.leaks import templates_disclose
from recognition.services.vault import deployment_vault_rotate, template_store

RNG = np.random.default_rng(15)


@pytest.fixture(autouse=True)
def _fresh_galleries():
    gallery_forget()
    yield
    gallery_forget()


def _people(n):
    v = RNG.standard_normal((n, 128)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True) * 1.4


@pytest.fixture
def stocked(gate, world):
    """The gate with 8 people (p-0..p-7); the citizen is p-2."""
    for i, v in enumerate(_people(8)):
        template_store(deployment=gate, subject_ref=f"p-{i}", vector=v)
    SubjectLink.objects.create(citizen=world.citizen, deployment=gate, subject_ref="p-2")
    return gate


def _npy(array, name="dump.npy"):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=True)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.fixture
def upload(api_as, world, django_capture_on_commit_callbacks, eager):
    def post(file, user=None, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return api_as(user or world.inspector).post(
                "/api/v1/leak-cases/", {"dump": file, **extra}, format="multipart")

    return post


def _leak(gate, refs=("p-1", "p-2", "p-5")):
    copy = templates_disclose(deployment=gate, recipient_kind="export", recipient_id=1,
                              recipient_label="export to the operator")
    rows = [copy.refs.index(r) for r in refs]
    return copy, copy.vectors[rows]


def test_an_exact_copy_names_deployment_version_subjects_and_becomes_evidence(
        stocked, upload, api_as, world):
    _copy, leaked = _leak(stocked)
    response = upload(_npy(leaked))
    assert response.status_code == 202, response.json()
    body = api_as(world.inspector).get(f"/api/v1/leak-cases/{response.json()['id']}/").json()
    assert (body["status"], body["progress"]) == ("done", 100)
    (source,) = body["sources"]
    assert (source["kind"], source["deployment_id"], source["device_id"],
            source["transform_version"], source["matched"]) == ("deployment", stocked.id,
                                                                None, 1, 3)
    assert source["score"] > 0.99 and "Papadimitriou" in source["score_basis"]["method"]
    assert body["affected_subjects"][0]["subject_refs"] == ["p-1", "p-2", "p-5"]
    case = LeakCase.objects.get()
    # The dump (by its hash) and the report are evidence in an investigation of the gate.
    assert case.investigation.deployment == stocked
    evidence = EvidenceItem.objects.filter(investigation=case.investigation)
    assert case.dump_sha256 in {e.sha256 for e in evidence} and evidence.count() == 2
    logged = InvestigationLogEntry.objects.filter(investigation_id=case.investigation_id,
                                                  kind="evidence_collected")
    assert {e.detail["dump_sha256"] for e in logged} == {case.dump_sha256}


def test_a_copy_taken_before_rotation_names_the_old_version(stocked, upload, api_as, world):
    _copy, leaked = _leak(stocked)
    deployment_vault_rotate(deployment=stocked, rotate_transform=True)
    case_id = upload(_npy(leaked)).json()["id"]
    (source,) = api_as(world.inspector).get(f"/api/v1/leak-cases/{case_id}/").json()["sources"]
    assert (source["transform_version"], source["current_version"]) == (1, False)
    assert source["valid_until"]


def test_interception_suspends_revokes_rotates_tells_and_then_nothing_matches(
        stocked, upload, api_as, world, django_capture_on_commit_callbacks):
    api_key_create(deployment=stocked, name="camera", actor=world.acme_admin)
    _copy, leaked = _leak(stocked)
    case_id = upload(_npy(leaked)).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.inspector).post(
            f"/api/v1/leak-cases/{case_id}/intercept/",
            {"reason": "Gallery copy found on a forum."}, format="json")
    assert response.status_code == 200, response.json()
    stocked.refresh_from_db()
    assert stocked.status == DeploymentStatus.SUSPENDED
    assert not ApiKey.objects.filter(deployment=stocked, revoked_at__isnull=True).exists()
    assert DeploymentKey.objects.get(deployment=stocked).transform_version == 2
    interception = response.json()["interception"]
    assert interception["matches_after"]["matched"] == 0
    assert interception["matches_after"]["stored_templates"] == 8
    assert interception["people_notified"] == 1
    note = Notification.objects.get(recipient=world.citizen)
    assert stocked.name in note.subject and note.mail_id is not None
    case = LeakCase.objects.get()
    assert InvestigationLogEntry.objects.filter(investigation_id=case.investigation_id,
                                                kind="leak_intercepted").exists()
    again = api_as(world.inspector).post(f"/api/v1/leak-cases/{case_id}/intercept/",
                                         {"reason": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_intercepted"


def test_interception_needs_a_reason(stocked, upload, api_as, world):
    _copy, leaked = _leak(stocked)
    case_id = upload(_npy(leaked)).json()["id"]
    response = api_as(world.inspector).post(f"/api/v1/leak-cases/{case_id}/intercept/",
                                            {"reason": "  "}, format="json")
    assert response.status_code == 400
    stocked.refresh_from_db()
    assert stocked.status == DeploymentStatus.ACTIVE
    assert DeploymentKey.objects.get(deployment=stocked).transform_version == 1


def test_no_match_is_a_result_and_same_people_are_no_copy(stocked, upload, api_as, world):
    body = api_as(world.inspector).get(
        f"/api/v1/leak-cases/{upload(_npy(_people(50))).json()['id']}/").json()
    assert (body["status"], body["sources"], body["canary_hits"]) == ("done", [], [])
    assert LeakCase.objects.get().investigation is None


@pytest.mark.parametrize(("content", "code"), [
    (lambda: _npy(np.zeros((3, 127), np.float32)).read(), "bad_shape"),
    (lambda: _npy(np.full((2, 128), np.nan, np.float32)).read(), "not_finite"),
    (lambda: _npy(np.array([{"a": 1}], dtype=object)).read(), "bad_npy"),
    (lambda: _npy(np.array([["x"] * 128])).read(), "bad_dtype"),
    (lambda: b"0.1,0.2\nfoo,bar\n", "bad_csv"),
    (lambda: b"0.1,0.2,0.3\n", "bad_shape"),
    (lambda: b"[[1, 2], [3]]", "bad_shape"),
    (lambda: b"{\"vectors\": ", "bad_json"),
    (lambda: b"\x00\x01\x02binary", "unsupported_format"),
])
def test_bad_dumps_are_refused_precisely_and_nothing_is_stored(upload, world, content, code,
                                                               gate):
    files = SealedFile.objects.count()
    response = upload(SimpleUploadedFile("dump.bin", content()))
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert not LeakCase.objects.exists() and SealedFile.objects.count() == files


def test_an_oversized_dump_is_refused(upload, monkeypatch, gate):
    from complaints.services import leaks

    monkeypatch.setattr(leaks, "DUMP_MAX_BYTES", 1000)
    response = upload(SimpleUploadedFile("big.csv", b"0.1," * 600))
    assert response.status_code == 413 and response.json()["code"] == "dump_too_large"
    assert not LeakCase.objects.exists()


def test_csv_and_json_dumps_are_read(stocked, upload, world):
    _copy, leaked = _leak(stocked, refs=("p-0",))
    csv_text = "\n".join(",".join(repr(float(x)) for x in row) for row in leaked)
    upload(SimpleUploadedFile("dump.csv", csv_text.encode()))
    upload(SimpleUploadedFile("dump.json", json.dumps({"vectors": leaked.tolist()}).encode()))
    cases = LeakCase.objects.order_by("id")
    assert [c.dump_format for c in cases] == ["csv", "json"]
    assert [c.report["sources"][0]["matched"] for c in cases] == [1, 1]


def test_only_regulators_and_only_their_own_cases(stocked, upload, api_as, world):
    _copy, leaked = _leak(stocked)
    for user in (world.acme_admin, world.citizen):
        assert upload(_npy(leaked), user=user).status_code == 403
        assert api_as(user).get("/api/v1/leak-cases/").status_code == 403
    assert not LeakCase.objects.exists()
    case_id = upload(_npy(leaked)).json()["id"]
    assert api_as(world.distant_inspector).get(
        f"/api/v1/leak-cases/{case_id}/").status_code == 404
    assert api_as(world.acme_admin).get(f"/api/v1/leak-cases/{case_id}/").status_code == 403
    assert api_as(world.distant_inspector).post(
        f"/api/v1/leak-cases/{case_id}/intercept/", {"reason": "x"},
        format="json").status_code == 404


def test_canaries_stay_out_of_enterprise_counts(stocked, world, api_as):
    from recognition.selectors import subject_list_for_deployment

    _leak(stocked)
    assert Canary.objects.filter(deployment=stocked).count() == 5
    assert subject_list_for_deployment(user=world.acme_admin, deployment=stocked).count() == 8
    assert VaultSubject.objects.filter(deployment=stocked).count() == 8


def _page_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_pages_upload_show_the_report_and_intercept_after_confirmation(
        stocked, world, django_capture_on_commit_callbacks, eager):
    _copy, leaked = _leak(stocked)
    client = _page_client(world.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/regulator/leaks/", {"title": "Forum dump",
                                                     "dump": _npy(leaked)})
    case = LeakCase.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{case.id}/")
    page = client.get(f"/regulator/leaks/{case.id}/").content.decode()
    assert "Forum dump" in page and 'id="leak-sources"' in page
    assert "Papadimitriou" in page and "It cannot be undone" in page
    assert "Forum dump" in client.get("/regulator/leaks/").content.decode()
    # Without the confirmation box nothing happens.
    client.post(f"/regulator/leaks/{case.id}/intercept/", {"reason": "Found online"})
    assert LeakCase.objects.get().intercepted_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/regulator/leaks/{case.id}/intercept/",
                    {"reason": "Found online", "confirm": "yes"})
    page = client.get(f"/regulator/leaks/{case.id}/").content.decode()
    assert 'id="leak-interception"' in page and "match 0 stored templates" in page


def test_a_refused_page_upload_says_why_and_stores_nothing(world, gate):
    client = _page_client(world.inspector)
    response = client.post("/regulator/leaks/", {"dump": SimpleUploadedFile("x.csv", b"1,2\n")},
                           follow=True)
    assert "128 numbers" in response.content.decode()
    assert not LeakCase.objects.exists()


def test_the_enterprise_cannot_open_the_leak_pages(world, gate):
    from recognition.models import Canary

    client = _page_client(world.acme_admin)
    assert client.get("/regulator/leaks/").status_code == 403
    # nor plant (and so learn of) canaries in its own gallery
    planted = client.post("/regulator/leaks/canaries/", {"deployment_id": gate.id})
    assert planted.status_code == 403 and not Canary.objects.exists()


def test_a_photo_is_encoded_and_its_people_are_no_copy_of_our_data(gate, upload, api_as, world,
                                                                    faces_dir):
    from recognition.engine import encode_for_enrolment, load_image

    enrolled = encode_for_enrolment(load_image((faces_dir / "people/obama/obama_1.jpg")
                                               .read_bytes()))
    template_store(deployment=gate, subject_ref="p-obama", vector=enrolled.vector)
    photo = (faces_dir / "people/obama/obama_2.jpg").read_bytes()
    case_id = upload(SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg")).json()["id"]
    body = api_as(world.inspector).get(f"/api/v1/leak-cases/{case_id}/").json()
    assert (body["status"], body["dump_format"], body["sources"]) == ("done", "image", [])
    assert body["same_people"] == [{"kind": "deployment", "deployment_id": gate.id,
                                    "device_id": None, "matched": 1}]


def test_the_regulator_plants_and_counts_canaries_the_enterprise_cannot(stocked, world):
    client = _page_client(world.inspector)
    client.post("/regulator/leaks/canaries/", {"deployment_id": stocked.id})
    assert Canary.objects.filter(deployment=stocked, copy_kind="deployment").count() == 5
    page = client.get("/regulator/leaks/").content.decode()
    assert 'id="leak-canaries"' in page and stocked.name in page
    _page_client(world.distant_inspector).post("/regulator/leaks/canaries/",
                                               {"deployment_id": stocked.id})
    assert _page_client(world.acme_admin).post(
        "/regulator/leaks/canaries/", {"deployment_id": stocked.id}).status_code == 403
    assert Canary.objects.filter(deployment=stocked).count() == 5
    assert VaultSubject.objects.filter(deployment=stocked).count() == 8
