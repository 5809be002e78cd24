"""An access request's export is built by a real Celery worker process, on the broker the
environment names (Redis in CI, the filesystem otherwise), against the test database."""

import pytest

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
from tests.workers import celery_worker, wait_until, worker_env


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
    log = str(tmp_path / "worker.log")
    with celery_worker(worker_env(), log):
        rights_request_fulfil(request=request, actor=admin)  # enqueues on commit
        wait_until(lambda: RightsExport.objects.filter(request=request).exists(),
                   log_path=log, what="the worker to build the export")

    assert RightsRequest.objects.get(id=request.id).state == RequestState.FULFILLED
    document = rights_export_open(export=RightsExport.objects.get(request=request))
    assert [c["receipt_id"] for c in document["consents"]] == [str(consent.receipt_id)]
