"""The Celery beat schedule: periodic work is code, reviewed in git.

Later work (retention sweeps, deadline checks) adds its entries here.
"""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Consent and rights (governance): each sweep is idempotent and batched.
    "subject-purge-sweep": {"task": "governance.subject_purge_sweep_task",
                            "schedule": 300.0},
    "consent-expiry-sweep": {"task": "governance.consent_expiry_sweep_task",
                             "schedule": 900.0},
    "rights-request-overdue-sweep": {"task": "governance.rights_request_overdue_sweep_task",
                                     "schedule": 900.0},
    "rights-export-erase": {"task": "governance.rights_export_erase_task",
                            "schedule": crontab(minute=17)},
}
