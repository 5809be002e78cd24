"""The Celery beat schedule: periodic work is code, reviewed in git.

Later work (retention sweeps, deadline checks) adds its entries here.
"""

CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
