"""Contacts are kept only as keyed hashes; proving one links the citizen to their subjects."""

import hashlib
import re

import pytest
from django.core import mail
from django.db import connection

from governance.errors import DomainError
from governance.models import Consent, ContactProof, SubjectLink
from governance.platform.crypto import KeyPurpose, derive_key, keyed_hash
from governance.services.consent import contact_hash
from governance.services.contacts import (
    MAX_ATTEMPTS,
    contact_proof_confirm,
    contact_proof_start,
)

EMAIL = "Zhang.Min@Example.org"
# Codes go out through the mail task; run it in-process when the on-commit hooks run.
pytestmark = pytest.mark.usefixtures("eager")


def start_and_read_code(citizen, contact, capture) -> tuple[ContactProof, str]:
    with capture(execute=True):
        proof = contact_proof_start(citizen=citizen, contact=contact)
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    return proof, code


def all_text_in_database() -> str:
    """Every row of every consent-related table, as text."""
    dump = []
    with connection.cursor() as cursor:
        for table in ("governance_consent", "governance_consentledgerentry",
                      "governance_contactproof", "governance_subjectlink"):
            cursor.execute(f"SELECT * FROM {table}")
            dump.extend(str(row) for row in cursor.fetchall())
    return "\n".join(dump).lower()


def test_the_contact_is_stored_only_as_an_hmac_under_a_derived_key(gate, give):
    consent = give(gate, subject_ref="s-1", contact=EMAIL)
    expected = keyed_hash(KeyPurpose.CONTACT_HASH, EMAIL.lower())
    assert consent.contact_hash == expected
    assert expected != hashlib.sha256(EMAIL.lower().encode()).hexdigest()  # keyed, not bare
    assert derive_key(KeyPurpose.CONTACT_HASH) != derive_key(KeyPurpose.RIGHTS_EXPORT)
    assert "zhang.min" not in all_text_in_database()


def test_phone_numbers_hash_the_same_however_they_are_written(gate, give):
    give(gate, subject_ref="s-1", contact="+86 138-0013-8000")
    assert Consent.objects.get().contact_hash == contact_hash("+8613800138000")


def test_proving_the_contact_links_every_subject_recorded_with_it(
        world, gate, other_gate, give, django_capture_on_commit_callbacks):
    give(gate, subject_ref="s-1", contact=EMAIL)
    give(other_gate, subject_ref="g-7", contact=EMAIL.lower())
    give(gate, subject_ref="s-2", contact="someone@else.org")
    proof, code = start_and_read_code(world.citizen, EMAIL,
                                      django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == [EMAIL.lower()]
    assert "zhang.min" not in all_text_in_database()  # nor the code
    assert code not in all_text_in_database()
    links = contact_proof_confirm(citizen=world.citizen, proof_id=proof.id, code=code)
    assert sorted((link.deployment_id, link.subject_ref) for link in links) == sorted(
        [(gate.id, "s-1"), (other_gate.id, "g-7")])
    assert all(link.via == "contact_proof" for link in links)


def test_a_wrong_code_links_nothing_and_attempts_run_out(world, gate, give,
                                                         django_capture_on_commit_callbacks):
    give(gate, subject_ref="s-1", contact=EMAIL)
    proof, code = start_and_read_code(world.citizen, EMAIL, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(MAX_ATTEMPTS):
        with pytest.raises(DomainError) as caught:
            contact_proof_confirm(citizen=world.citizen, proof_id=proof.id, code=wrong)
        assert caught.value.code == "invalid_code"
    with pytest.raises(DomainError) as caught:
        contact_proof_confirm(citizen=world.citizen, proof_id=proof.id, code=code)
    assert caught.value.code == "code_expired"
    assert SubjectLink.objects.count() == 0


def test_another_citizen_cannot_use_someone_elses_proof(world, gate, give,
                                                        django_capture_on_commit_callbacks):
    give(gate, subject_ref="s-1", contact=EMAIL)
    proof, code = start_and_read_code(world.citizen, EMAIL, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as caught:
        contact_proof_confirm(citizen=world.other_citizen, proof_id=proof.id, code=code)
    assert caught.value.code == "not_found"
    assert SubjectLink.objects.count() == 0


def test_a_subject_already_claimed_is_never_given_to_a_second_account(
        world, gate, give, django_capture_on_commit_callbacks):
    give(gate, subject_ref="s-1", contact=EMAIL)
    proof, code = start_and_read_code(world.citizen, EMAIL, django_capture_on_commit_callbacks)
    contact_proof_confirm(citizen=world.citizen, proof_id=proof.id, code=code)
    proof, code = start_and_read_code(world.other_citizen, EMAIL,
                                      django_capture_on_commit_callbacks)
    assert contact_proof_confirm(citizen=world.other_citizen, proof_id=proof.id,
                                 code=code) == []
    assert SubjectLink.objects.get().citizen == world.citizen
