"""Receipts carry proof: a consent receipt and a deletion certificate hold their ledger entry
and the signed head covering it; anyone checks one at the public page or API, and a receipt
outlives tampering with the database."""

import copy

import pytest
from django.db import transaction

from governance.models import ConsentLedgerEntry, DeletionCertificate, Deployment
from governance.platform.ledger import chain_append, compute_hash
from governance.services.consent import consent_withdraw

VERIFY = "/api/v1/register/verify-receipt/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` — the after-commit work (head publication) runs, as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def receipt(world, gate, give, api_as, committed):
    with committed():
        consent = give(gate, subject_ref="s-1")
        give(gate, subject_ref="s-2")  # a later entry on the same chain
    response = api_as(world.acme_admin).get(f"/api/v1/consents/{consent.receipt_id}/receipt/")
    assert response.status_code == 200
    return response.json()


def test_a_consent_receipt_carries_its_entry_and_the_signed_head_covering_it(receipt, gate):
    proof = receipt["ledger_proof"]
    entry = ConsentLedgerEntry.objects.get(deployment=gate, sequence=1)
    assert (proof["ledger"], proof["chain_key"]) == ("consent", str(gate.id))
    assert proof["entry"]["entry_hash"] == entry.entry_hash == receipt["events"][-1]["entry_hash"]
    assert proof["entry"]["fields"]["payload"]["receipt_id"] == receipt["record_id"]
    assert (proof["head"]["sequence"], proof["head"]["entry_hash"]) == (1, entry.entry_hash)
    assert proof["verify_at"] == VERIFY


def test_a_receipt_checks_valid_anonymously(receipt, api):
    response = api.post(VERIFY, receipt, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "valid": True, "code": "valid", "sequence": 1,
        "recorded_at": receipt["ledger_proof"]["entry"]["fields"]["recorded_at"],
        "head_sequence": 1, "head_signed_at": receipt["ledger_proof"]["head"]["signed_at"],
        "detail": "The ledger recorded this entry, and a head signed by this platform covers it."}


def test_the_proof_alone_checks_too(receipt, api):
    assert api.post(VERIFY, receipt["ledger_proof"], format="json").json()["valid"] is True


def tampered(receipt, change):
    forged = copy.deepcopy(receipt)
    change(forged["ledger_proof"])
    return forged


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda p: p["entry"]["fields"]["payload"].update(purposes=["customer_analytics"]),
         "entry_altered"),
        (lambda p: p["entry"]["fields"].update(subject_ref="someone-else"), "entry_altered"),
        (lambda p: p["head"].update(sequence=2), "head_signature_invalid"),
        (lambda p: p["head"].update(signature=p["head"]["signature"][::-1]),
         "head_signature_invalid"),
        (lambda p: p.update(head=None), "not_yet_signed"),
        (lambda p: p.update(ledger="nonsense"), "unknown_ledger"),
        (lambda p: p["entry"].pop("fields"), "malformed_proof"),
        (lambda p: p.update(head={"sequence": "one"}), "malformed_proof"),
        (lambda p: p["entry"]["fields"].update(sequence=-3), "malformed_proof"),
        (lambda p: p["entry"]["fields"].update(sequence=True), "malformed_proof"),
        (lambda p: p.update(entry="not an entry"), "malformed_proof"),
    ],
)
def test_a_tampered_receipt_is_invalid_with_its_reason(receipt, api, change, code):
    body = api.post(VERIFY, tampered(receipt, change), format="json").json()
    assert (body["valid"], body["code"]) == (False, code)
    assert body["detail"]


def test_a_receipt_with_a_nul_character_is_refused_before_it_is_read(receipt, api):
    response = api.post(VERIFY, tampered(receipt, lambda p: p.update(entry="\x00")),
                        format="json")
    assert (response.status_code, response.json()["code"]) == (400, "nul_character")


def test_a_receipt_re_hashed_to_say_something_else_is_not_covered_by_its_head(receipt, api):
    def forge(proof):
        fields = proof["entry"]["fields"]
        fields["payload"]["purposes"] = ["customer_analytics"]
        proof["entry"]["entry_hash"] = compute_hash(fields, fields["previous_hash"])

    body = api.post(VERIFY, tampered(receipt, forge), format="json").json()
    assert (body["valid"], body["code"]) == (False, "head_does_not_cover")


def test_a_receipt_exposes_a_ledger_rewritten_after_it_was_issued(receipt, api, gate):
    entries = list(ConsentLedgerEntry.objects.filter(deployment=gate).order_by("sequence"))
    previous_hash = entries[0].previous_hash
    for index, entry in enumerate(entries):  # edit #1 and re-hash the whole chain
        if index == 0:
            entry.payload = {**entry.payload, "purposes": ["customer_analytics"]}
        entry.previous_hash = previous_hash
        entry.entry_hash = compute_hash(entry.chain_fields(), previous_hash)
        ConsentLedgerEntry.objects.filter(id=entry.id).update(
            payload=entry.payload, previous_hash=previous_hash, entry_hash=entry.entry_hash)
        previous_hash = entry.entry_hash
    body = api.post(VERIFY, receipt, format="json").json()
    assert (body["valid"], body["code"]) == (False, "ledger_differs")
    assert "altered or removed after the receipt was issued" in body["detail"]


def test_a_receipt_after_withdrawal_proves_the_withdrawal(world, gate, give, api_as, api,
                                                          committed):
    with committed():
        consent = give(gate, subject_ref="s-1")
        consent_withdraw(consent=consent, actor=world.acme_admin)
    receipt = api_as(world.acme_admin).get(
        f"/api/v1/consents/{consent.receipt_id}/receipt/").json()
    fields = receipt["ledger_proof"]["entry"]["fields"]
    assert (fields["kind"], fields["sequence"], receipt["ledger_proof"]["head"]["sequence"]) == (
        "withdrawn", 2, 2)
    assert api.post(VERIFY, receipt, format="json").json()["valid"] is True


def test_a_receipt_for_an_entry_older_than_signed_heads_says_it_has_no_head(world, gate, give,
                                                                          api_as, api):
    from governance.models import SignedLedgerHead

    consent = give(gate, subject_ref="s-1")
    SignedLedgerHead.objects.all().delete()  # as for entries from before heads were signed
    receipt = api_as(world.acme_admin).get(
        f"/api/v1/consents/{consent.receipt_id}/receipt/").json()
    assert receipt["ledger_proof"]["head"] is None
    assert api.post(VERIFY, receipt, format="json").json()["code"] == "not_yet_signed"


@pytest.mark.parametrize(("body", "kwargs", "status", "code"), [
    ('["not", "a", "receipt"]', {"content_type": "application/json"}, 400, "validation_error"),
    ("{not json", {"content_type": "application/json"}, 400, "parse_error"),
    ("receipt=x", {"content_type": "application/x-www-form-urlencoded"}, 415,
     "unsupported_media_type"),
])
def test_a_body_that_is_not_a_receipt_is_refused_with_the_error_shape(db, api, body, kwargs,
                                                                      status, code):
    response = api.generic("POST", VERIFY, body, **kwargs)
    assert response.status_code == status
    assert response.json()["code"] == code


# --- deletion certificates -------------------------------------------------------------------


@pytest.fixture
def certificate(gate, committed):
    with committed(), transaction.atomic():
        Deployment.objects.select_for_update().get(id=gate.id)
        return chain_append(DeletionCertificate(
            deployment=gate, category="face_template", count=2, trigger="collection",
            rule="30 days after collection", legal_reference="Declared by the operator",
            description="Sealed face templates", keys_shredded=["k1", "k2"]))


def test_a_deletion_certificate_carries_its_proof_and_checks_valid(world, certificate, api_as,
                                                                   api):
    listed = api_as(world.acme_admin).get("/api/v1/deletion-certificates/").json()
    assert [c["proof_url"] for c in listed] == [
        f"/api/v1/deletion-certificates/{certificate.id}/"]
    response = api_as(world.acme_admin).get(listed[0]["proof_url"])
    assert response.status_code == 200
    document = response.json()
    proof = document["ledger_proof"]
    assert (proof["ledger"], proof["entry"]["entry_hash"], proof["head"]["sequence"]) == (
        "deletion certificate", certificate.entry_hash, 1)
    assert proof["entry"]["fields"]["keys_shredded"] == ["k1", "k2"]
    assert api.post(VERIFY, document, format="json").json()["valid"] is True


@pytest.mark.parametrize("persona", ["other_admin", "other_citizen", "anonymous"])
def test_a_certificate_is_shown_only_to_whom_it_concerns(world, certificate, api_as, persona):
    response = api_as(world.user(persona)).get(
        f"/api/v1/deletion-certificates/{certificate.id}/")
    assert response.status_code in (401, 404)
    assert "ledger_proof" not in response.json()


# --- pages -----------------------------------------------------------------------------------


def test_the_public_page_checks_a_pasted_receipt(receipt, client):
    import json

    page = client.get("/register/verify-receipt/")
    assert page.status_code == 200
    assert b"Check a receipt" in page.content
    valid = client.post("/register/verify-receipt/", {"receipt": json.dumps(receipt)})
    assert b'data-testid="verdict"' in valid.content
    assert b"Valid" in valid.content and b"Not valid" not in valid.content
    forged = tampered(receipt, lambda p: p["entry"]["fields"].update(subject_ref="x"))
    invalid = client.post("/register/verify-receipt/", {"receipt": json.dumps(forged)})
    assert b"Not valid" in invalid.content
    assert b"does not match its hash" in invalid.content
    assert b"entry_altered" not in invalid.content  # people read reasons, not codes


def test_the_page_says_what_is_wrong_with_text_that_is_not_a_receipt(db, client):
    response = client.post("/register/verify-receipt/", {"receipt": "[" * 100_000})
    assert response.status_code == 200
    assert b"This is not a receipt" in response.content
    assert b'data-testid="verdict"' not in response.content


def test_the_printable_receipt_shows_its_proof(world, gate, give, client, committed):
    with committed():
        consent = give(gate, subject_ref="s-1")
    client.force_login(world.acme_admin)
    page = client.get(f"/consents/{consent.receipt_id}/")
    entry = consent.ledger_entries.get()
    assert b'data-testid="receipt-proof"' in page.content
    assert entry.entry_hash.encode() in page.content
    assert b"#1 \xc2\xb7 signed" in page.content
