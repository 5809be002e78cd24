"""An active Acme gate with a device key, consented subjects, and photo bytes."""

import pytest
from rest_framework.test import APIClient

from governance.services.consent import consent_give
from recognition.gallery import gallery_forget
from recognition.services import vault
from recognition.services.apikeys import api_key_create
from tests.factories import CLICK, active_gate

OBAMA = "people/obama/obama_1.jpg"
OBAMA_2 = "people/obama/obama_2.jpg"
BIDEN = "people/biden/biden_1.jpg"


@pytest.fixture(autouse=True)
def _fresh_galleries():
    # Galleries are per process and keyed by deployment id, which test databases reuse.
    gallery_forget()
    yield
    gallery_forget()


@pytest.fixture
def gate(world):
    # Central storage: these tests enrol through the central API, which an `on_device`
    # deployment refuses (its templates stay on its devices; tests/recognition/devices/).
    return active_gate(world.acme, name="Block A gate", purposes=["access_control", "attendance"],
                       storage="central", central_storage_separate_consent=True)


@pytest.fixture
def consent(world):
    """consent(deployment, subject_ref, purposes=("access_control",)) as Acme's admin records."""

    def give(deployment, subject_ref, purposes=("access_control",)):
        return consent_give(deployment=deployment, actor=world.acme_admin,
                            subject_ref=subject_ref, purposes=list(purposes),
                            central_storage=deployment.storage == "central",
                            method="in_app_explicit", evidence=dict(CLICK))

    return give


@pytest.fixture
def device(world, gate):
    """`device(deployment=gate)` → an API client holding a fresh key of that deployment."""

    def make(deployment=None):
        deployment = deployment or gate
        admin = world.acme_admin if deployment.organisation == world.acme else world.other_admin
        _, raw = api_key_create(deployment=deployment, name="camera", actor=admin)
        client = APIClient()
        client.credentials(HTTP_X_API_KEY=raw)
        client.raw_key = raw
        return client

    return make


@pytest.fixture
def upload(read_face):
    """upload(relative path) → an in-memory file with the photo's bytes, as a device sends."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(relative: str, name: str | None = None, content: bytes | None = None):
        data = read_face(relative) if content is None else content
        return SimpleUploadedFile(name or relative.rsplit("/", 1)[-1], data,
                                  content_type="image/jpeg")

    return make


@pytest.fixture
def enroll(device, upload):
    def call(client, subject_ref, photo=OBAMA, purpose="access_control", **extra):
        return client.post("/api/v1/recognition/enroll/",
                           {"subject_ref": subject_ref, "purpose": purpose,
                            "image": upload(photo), **extra}, format="multipart")

    return call


@pytest.fixture
def decrypted(monkeypatch):
    """The template ids the vault decrypts for a gallery, in order, as the test goes."""
    seen: list[int] = []
    real = vault.gallery_rows_with_ids

    def counting(**kwargs):
        for row in real(**kwargs):
            seen.append(row[0])
            yield row

    monkeypatch.setattr(vault, "gallery_rows_with_ids", counting)
    return seen
