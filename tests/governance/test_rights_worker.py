"""An access request's export is built by a real Celery worker process, on the broker the
environment names (Redis in CI, the filesystem otherwise), against the test database."""

import os
import time

import pytest
from django.conf import settings

from governance.models import OrganisationKind, Purpose, RequestState, RightsExport, RightsRequest
from governance.services.consent import consent_give
from governance.services.exports import rights_export_open
from governance.services.rights import rights_request_file, rights_request_fulfil
from tests.factories import (
    ActiveDeploymentFactory,
    CitizenProfileFactory,
    DeploymentNoticeFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.workers import celery_worker, worker_database_url

EXPORT_TIMEOUT_SECONDS = 45

@pytest.mark.worker
def test_a_real_worker_builds_the_sealed_export_and_fulfils_the_request(transactional_db,
                                                                        tmp_path):
    from config.celery_app import app

    Purpose.objects.get_or_create(code="access_control", defaults={"name": "Access control"})
    acme = OrganisationFactory(name="Acme", kind=OrganisationKind.ENTERPRISE)
    admin = MembershipFactory(organisation=acme).user
    gate = ActiveDeploymentFactory(organisation=acme)
    DeploymentNoticeFactory(deployment=gate)
    citizen = CitizenProfileFactory().user
    consent = consent_give(deployment=gate, actor=citizen, purposes=["access_control"],
                           method="in_app_explicit",
                           evidence={"time": "t", "ip": "127.0.0.1", "user_agent": "pytest"})
    request = rights_request_file(citizen=citizen, deployment=gate, type="access")

    app.control.purge()  # messages left by earlier runs are not this test's
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "FACEGOV_VAR_DIR": str(settings.VAR_DIR), "DATABASE_URL": worker_database_url()}
    with celery_worker(env, str(tmp_path / "worker.log")):
        rights_request_fulfil(request=request, actor=admin)  # enqueues on commit
        deadline = time.monotonic() + EXPORT_TIMEOUT_SECONDS
        while not RightsExport.objects.filter(request=request).exists():
            assert time.monotonic() < deadline, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)

    assert RightsRequest.objects.get(id=request.id).state == RequestState.FULFILLED
    document = rights_export_open(export=RightsExport.objects.get(request=request))
    assert [c["receipt_id"] for c in document["consents"]] == [str(consent.receipt_id)]
