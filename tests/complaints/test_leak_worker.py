"""A leak case is analysed by a real Celery worker process, against the test database."""

import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import LeakCase
from complaints.services.leaks import leak_case_open
from governance.models import OrganisationKind, Role
from recognition.services.leaks import templates_disclose
from recognition.services.vault import template_store
from tests.factories import MembershipFactory, OrganisationFactory, active_gate
from tests.workers import celery_worker, wait_until, worker_env


@pytest.mark.worker
def test_a_real_worker_analyses_the_dump_and_names_the_source(transactional_db, tmp_path):
    from django.db import transaction

    from config.celery_app import app

    acme = OrganisationFactory(name="Acme", kind=OrganisationKind.ENTERPRISE)
    regulator = OrganisationFactory(name="Regulator", kind=OrganisationKind.REGULATOR)
    inspector = MembershipFactory(organisation=regulator, role=Role.INSPECTOR).user
    gate = active_gate(acme, name="Block A gate")
    rng = np.random.default_rng(3)
    for i in range(4):
        v = rng.standard_normal(128).astype(np.float32)
        template_store(deployment=gate, subject_ref=f"p-{i}", vector=v / np.linalg.norm(v) * 1.4)
    copy = templates_disclose(deployment=gate, recipient_kind="export", recipient_id=1,
                              recipient_label="export")
    buffer = io.BytesIO()
    np.save(buffer, copy.vectors[[copy.refs.index("p-1")]])

    app.control.purge()
    log = str(tmp_path / "worker.log")
    with celery_worker(worker_env(), log):
        with transaction.atomic():
            case = leak_case_open(actor=inspector, file=SimpleUploadedFile(
                "dump.npy", buffer.getvalue()))
        wait_until(lambda: LeakCase.objects.get(pk=case.pk).status in ("done", "failed"),
                   log_path=log, what="the worker to analyse the dump")
    case.refresh_from_db()
    assert (case.status, case.progress, case.error) == ("done", 100, "")
    assert [(s["deployment_id"], s["matched"]) for s in case.report["sources"]] == [(gate.id, 1)]
    assert case.investigation is not None
