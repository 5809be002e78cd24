"""A gate with real enrolled templates (session-cached encodings), stored through the vault."""

import pytest

from recognition.gallery import gallery_forget
from recognition.services.vault import template_store
from tests.factories import active_gate


@pytest.fixture(autouse=True)
def _fresh_galleries():
    gallery_forget()
    yield
    gallery_forget()


@pytest.fixture
def gate(world):
    return active_gate(world.acme, name="Block A gate", purposes=["access_control"])


@pytest.fixture
def other_gate(world):
    return active_gate(world.other_enterprise, name="Mall door", purposes=["access_control"])


@pytest.fixture
def enrolled(people_templates):
    """enrolled(deployment, n) -> the raw vectors stored as subjects p-0..p-(n-1)."""

    def make(deployment, n=6, offset=0):
        vectors = [t.vector for t in list(people_templates.values())[offset:offset + n]]
        for i, v in enumerate(vectors):
            template_store(deployment=deployment, subject_ref=f"p-{offset + i}", vector=v)
        return vectors

    return make
