"""Fixtures every test may use: the face photos, persona users, API clients."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from governance.models import OrganisationKind, Role
from tests.factories import (
    CitizenProfileFactory,
    IndustryMembershipFactory,
    MembershipFactory,
    OrganisationFactory,
)

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    """The shared test photos: FACEGOV_FACES_DIR, else ../shared/faces beside the repo."""
    path = Path(os.environ.get("FACEGOV_FACES_DIR", settings.FACEGOV_FACES_DIR))
    if not (path / "people").is_dir():
        pytest.fail(f"Face photos not found at {path}; set FACEGOV_FACES_DIR.")
    return path


@dataclass
class World:
    """Two enterprises, a regulator covering them, an industry body auditing the first one,
    and one person of each persona — the cast of every permission test."""

    acme: object
    other_enterprise: object
    regulator: object
    distant_regulator: object
    association: object
    acme_admin: object
    acme_operator: object
    other_admin: object
    inspector: object
    supervisor: object
    distant_inspector: object
    auditor: object
    citizen: object
    other_citizen: object

    def user(self, persona: str):
        """The user playing `persona` ("anonymous" is None) — for permission matrices."""
        return None if persona == "anonymous" else getattr(self, persona)


@pytest.fixture
def world(db) -> World:
    acme = OrganisationFactory(name="Acme", kind=OrganisationKind.ENTERPRISE)
    other = OrganisationFactory(name="Globex", kind=OrganisationKind.ENTERPRISE)
    regulator = OrganisationFactory(name="Regulator", kind=OrganisationKind.REGULATOR)
    distant = OrganisationFactory(name="Far Regulator", kind=OrganisationKind.REGULATOR,
                                  region="Far Province")
    association = OrganisationFactory(name="Association", kind=OrganisationKind.INDUSTRY_BODY,
                                      region="")
    IndustryMembershipFactory(industry_body=association, enterprise=acme)
    return World(
        acme=acme,
        other_enterprise=other,
        regulator=regulator,
        distant_regulator=distant,
        association=association,
        acme_admin=MembershipFactory(organisation=acme, role=Role.ADMIN).user,
        acme_operator=MembershipFactory(organisation=acme, role=Role.OPERATOR).user,
        other_admin=MembershipFactory(organisation=other, role=Role.ADMIN).user,
        inspector=MembershipFactory(organisation=regulator, role=Role.INSPECTOR).user,
        supervisor=MembershipFactory(organisation=regulator, role=Role.SUPERVISOR).user,
        distant_inspector=MembershipFactory(organisation=distant, role=Role.INSPECTOR).user,
        auditor=MembershipFactory(organisation=association, role=Role.AUDITOR).user,
        citizen=CitizenProfileFactory().user,
        other_citizen=CitizenProfileFactory().user,
    )


@pytest.fixture(autouse=True)
def _purpose_taxonomy(request):
    """Transactional tests flush every table, the migration-seeded purposes included; tests
    that use the database get the taxonomy back."""
    names = set(request.fixturenames)
    if not names & {"db", "transactional_db", "live_server"}:
        return
    request.getfixturevalue("transactional_db" if names & {"transactional_db", "live_server"}
                            else "db")
    from governance.purposes import purpose_taxonomy_ensure

    purpose_taxonomy_ensure()


@pytest.fixture(scope="session")
def _ledger_heads_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ledger-heads")


@pytest.fixture(autouse=True)
def ledger_heads_path(request, _ledger_heads_dir) -> Path:
    """Each test publishes its signed ledger heads to a file of its own (a name, not a new
    directory per test), never to the make-run publication under var/."""
    path = _ledger_heads_dir / f"{abs(hash(request.node.nodeid)):x}.jsonl"
    path.unlink(missing_ok=True)
    previous = settings.FACEGOV_LEDGER_HEADS_PATH
    settings.FACEGOV_LEDGER_HEADS_PATH = str(path)
    yield path
    settings.FACEGOV_LEDGER_HEADS_PATH = previous


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the (per-process, in-memory) test cache: every test starts
    with none, so no test is refused because of the ones that ran before it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """`api_as(user)` → an API client authenticated as that user (None: anonymous)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def eager():
    """Celery tasks run in-process when enqueued (pair with executed on-commit callbacks)."""
    from config.celery_app import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
