"""Key and transform rotation: old stored vectors are revoked, recognition keeps working."""

import io

import numpy as np
from django.core.management import call_command

from recognition.models import DeploymentKey, Template, VaultSubject
from recognition.services.vault import deployment_key_ensure, deployment_secrets, subject_vectors
from tests.recognition.service.conftest import OBAMA, OBAMA_2


def stored_vector(gate):
    secrets = deployment_secrets(deployment_key_ensure(deployment=gate))
    return subject_vectors(subject=VaultSubject.objects.get(deployment=gate), secrets=secrets)[0]


def test_rotating_key_and_transform_reissues_templates_that_still_verify(gate, consent, device,
                                                                         enroll, upload):
    consent(gate, "resident-1")
    client = device()
    enroll(client, "resident-1", photo=OBAMA)
    before = stored_vector(gate)
    sealed_before = bytes(Template.objects.get().sealed_vector)

    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_vault_keys", "--transform", stdout=out, stderr=err)

    row = DeploymentKey.objects.get(deployment=gate)
    assert (row.key_version, row.transform_version) == (2, 2)
    assert "1 subjects, 1 templates re-issued" in out.getvalue()
    assert "100%" in err.getvalue()  # the progress bar ran to the end
    after = stored_vector(gate)
    assert bytes(Template.objects.get().sealed_vector) != sealed_before
    # The re-issued template no longer matches the old one: a leaked copy is revoked.
    assert float(np.linalg.norm(before - after)) > 1.0
    response = client.post("/api/v1/recognition/verify/",
                           {"subject_ref": "resident-1", "purpose": "access_control",
                            "image": upload(OBAMA_2)}, format="multipart")
    assert response.json()["match"] is True


def test_a_key_only_rotation_keeps_the_stored_vectors(gate, consent, device, enroll):
    consent(gate, "resident-1")
    enroll(device(), "resident-1", photo=OBAMA)
    before = stored_vector(gate)
    call_command("rotate_vault_keys", stdout=io.StringIO(), stderr=io.StringIO())
    assert DeploymentKey.objects.get(deployment=gate).key_version == 2
    np.testing.assert_allclose(stored_vector(gate), before, atol=1e-6)
