"""The fixed API of DESIGN.md "Industry self-regulation": paths, fields, error codes, and
nothing stored on bad input."""

from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import (
    Audit,
    Convention,
    Evidence,
    OrganisationKind,
    RequirementNode,
    RequirementResult,
    Role,
)
from tests.effects import snapshot
from tests.factories import MembershipFactory, OrganisationFactory
from tests.governance.industry.conftest import CISO_LIBRARY


def upload(text: str | bytes, name="library.yaml") -> dict:
    data = text.encode() if isinstance(text, str) else text
    return {"file": SimpleUploadedFile(name, data, content_type="application/x-yaml")}


def test_upload_list_and_detail_of_a_convention(world, api_as, shipped_text):
    client = api_as(world.auditor)
    response = client.post("/api/v1/conventions/", upload(shipped_text), format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["version"] == 1 and body["industry_body_id"] == world.association.pk
    assert len(body["requirement_nodes"]) == 35
    listed = api_as(world.acme_admin).get("/api/v1/conventions/").json()
    assert [c["id"] for c in listed] == [body["id"]]
    detail = api_as(world.acme_admin).get(f"/api/v1/conventions/{body['id']}/").json()
    node = next(n for n in detail["requirement_nodes"] if n["ref_id"] == "2.6")
    assert node["auto_check"] == "consent_ledger_verifies" and node["legal_ref"]
    assert detail["translations"]["zh"]["name"]


def test_a_malformed_upload_names_its_problems_and_stores_nothing(world, api_as):
    before = snapshot([Convention, RequirementNode])
    response = api_as(world.auditor).post(
        "/api/v1/conventions/",
        upload(CISO_LIBRARY.replace("      ref_id: Art. 6\n",
                                    "      ref_id: Art. 6\n      auto_check: oracle\n")),
        format="multipart")
    assert response.status_code == 400
    assert response.json()["code"] == "library_invalid"
    assert [p["code"] for p in response.json()["problems"]] == ["unknown_probe"]
    response = api_as(world.auditor).post("/api/v1/conventions/", upload("a: [b"),
                                          format="multipart")
    assert response.json()["problems"][0]["code"] == "malformed_yaml"
    response = api_as(world.acme_admin).post("/api/v1/conventions/", upload(CISO_LIBRARY),
                                             format="multipart")
    assert response.status_code == 404  # an enterprise has no industry body to publish for
    assert snapshot([Convention, RequirementNode]) == before


def test_an_audit_through_the_api(world, api_as, convention, compliant_gate):
    auditor = api_as(world.auditor)
    response = auditor.post("/api/v1/audits/", {"organisation_id": world.acme.pk,
                                                "convention_id": convention.pk,
                                                "name": "Spot check"}, format="json")
    assert response.status_code == 201, response.json()
    audit_id = response.json()["id"]
    assert response.json()["status"] == "planned"
    assert auditor.post(f"/api/v1/audits/{audit_id}/start/").json()["status"] == "in_progress"
    probes = auditor.post(f"/api/v1/audits/{audit_id}/probes/")
    assert probes.status_code == 201
    assert {e["probe"] for e in probes.json()} >= {"consent_ledger_verifies"}
    patched = auditor.patch(f"/api/v1/audits/{audit_id}/requirements/5.4/",
                            {"result": "partially_compliant",
                             "extended_result": "minor_nonconformity", "notes": "no name"},
                            format="json")
    assert patched.status_code == 200
    assert patched.json()["result"] == "partially_compliant"
    detail = api_as(world.acme_admin).get(f"/api/v1/audits/{audit_id}/").json()
    row = next(r for r in detail["results"] if r["ref_id"] == "5.4")
    assert row["notes"] == "no name"
    assert next(r for r in detail["results"] if r["ref_id"] == "2.6")["answered_by_probe"]
    assert api_as(world.other_admin).get(f"/api/v1/audits/{audit_id}/").status_code == 404
    credit = api_as(world.acme_admin).get(f"/api/v1/members/{world.acme.pk}/credit/")
    assert credit.status_code == 200
    assert set(credit.json()) >= {"grade", "score", "deductions"}
    assert credit.json()["grade"] == "M"
    assert api_as(world.other_admin).get(
        f"/api/v1/members/{world.acme.pk}/credit/").status_code == 403


def test_bad_audit_input_answers_clear_codes_and_stores_nothing(world, api_as, convention,
                                                                audit):
    auditor = api_as(world.auditor)
    auditor.post(f"/api/v1/audits/{audit.pk}/start/")
    tables = [Audit, RequirementResult, Evidence]
    before = snapshot(tables, row=(audit.results.get(node__ref_id="1.1"), ("result",)))
    response = auditor.patch(f"/api/v1/audits/{audit.pk}/requirements/1.1/",
                             {"result": "excellent"}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "result_out_of_scale")
    response = auditor.post("/api/v1/audits/", {"organisation_id": world.other_enterprise.pk,
                                                "convention_id": convention.pk, "name": "x"},
                            format="json")
    assert (response.status_code, response.json()["code"]) == (400, "not_a_member")
    other_body = OrganisationFactory(kind=OrganisationKind.INDUSTRY_BODY)
    stranger = MembershipFactory(organisation=other_body, role=Role.AUDITOR).user
    response = api_as(stranger).post("/api/v1/audits/", {"organisation_id": world.acme.pk,
                                                         "convention_id": convention.pk,
                                                         "name": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "not_auditor_of_body")
    response = auditor.patch(f"/api/v1/audits/{audit.pk}/requirements/99.9/",
                             {"result": "compliant"}, format="json")
    assert response.status_code == 404
    assert snapshot(tables, row=(audit.results.get(node__ref_id="1.1"), ("result",))) == before
