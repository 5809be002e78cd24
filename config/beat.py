"""The Celery beat schedule: periodic work is code, reviewed in git.

Later work (retention sweeps, deadline checks) adds its entries here.
"""

from celery.schedules import crontab

from config.settings.env import env_int

# How often the retention sweep runs (seconds). Deletion is due to the minute, so a few
# minutes at most; `make run` uses one minute so the demo's expiry shows quickly.
RETENTION_SWEEP_SECONDS = env_int("FACEGOV_RETENTION_SWEEP_SECONDS", 180)
# How often the complaint clocks run (seconds): escalation at 80 % of a 24-hour window needs
# minutes, not seconds; real-worker tests shorten it to see a tick at once.
COMPLAINT_CLOCKS_SECONDS = env_int("FACEGOV_COMPLAINT_CLOCKS_SECONDS", 300)
ENFORCEMENT_SWEEP_SECONDS = env_int("FACEGOV_ENFORCEMENT_SWEEP_SECONDS", 300)

CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Consent and rights (governance): each sweep is idempotent and batched.
    "subject-purge-sweep": {"task": "governance.subject_purge_sweep_task",
                            "schedule": 300.0},
    "consent-expiry-sweep": {"task": "governance.consent_expiry_sweep_task",
                             "schedule": 900.0},
    "rights-request-overdue-sweep": {"task": "governance.rights_request_overdue_sweep_task",
                                     "schedule": 900.0},
    # Retention (governance): destroy what is overdue and unheld, with certificates.
    "retention-sweep": {"task": "governance.retention_sweep_task",
                        "schedule": float(RETENTION_SWEEP_SECONDS)},
    # Platform (governance/platform/): sealed uploads past the delete_after their owner set.
    "sealed-files-destroy-due": {"task": "governance.sealed_files_destroy_due_task",
                                 "schedule": crontab(minute=23)},
    "mail-outbox-sweep": {"task": "governance.mail_outbox_sweep_task", "schedule": 600.0},
    "rights-export-erase": {"task": "governance.rights_export_erase_task",
                            "schedule": crontab(minute=17)},
    # Complaints: triage clocks (escalation at 80 %, overdue, 90-day progress notices, missed
    # acknowledgements) every five minutes; closed cases past their retention every hour.
    "complaint-clocks-sweep": {"task": "complaints.complaint_clocks_sweep_task",
                               "schedule": float(COMPLAINT_CLOCKS_SECONDS)},
    # Investigations: flag RFIs and orders past their date (each once) every five minutes.
    "enforcement-overdue-sweep": {"task": "complaints.enforcement_overdue_sweep_task",
                                  "schedule": float(ENFORCEMENT_SWEEP_SECONDS)},
    "complaint-retention-sweep": {"task": "complaints.complaint_retention_sweep_task",
                                  "schedule": crontab(minute=41)},
    # Industry self-regulation: flag corrective actions past their due date (each once) and
    # recompute the grades the flag changes.
    "corrective-actions-overdue-sweep": {"task": "governance.corrective_actions_overdue_task",
                                         "schedule": crontab(minute=7)},
    # Edge devices (recognition): deletion orders for people past retention on a device,
    # orders past their deadline flagged (the dashboards' alert), replay nonces pruned.
    "device-orders-sweep": {"task": "recognition.device_orders_sweep_task", "schedule": 60.0},
    # Ledger heads: publish the signed heads a crash left unpublished (normally none).
    "ledger-heads-publish-missed": {"task": "governance.ledger_heads_publish_missed_task",
                                    "schedule": 30.0},
}
