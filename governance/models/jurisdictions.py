"""The legal orders FaceGov can judge a deployment by (one rule pack each).

A deployment declares the jurisdiction where it runs; it must be the one of its operator's
region (checked in services). The packs themselves live in governance/compliance/packs/.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Jurisdiction(models.TextChoices):
    CN = "CN", _("China (mainland)")
    EU = "EU", _("European Union")
    US_IL = "US-IL", _("United States — Illinois")


# Existing deployments and organisations were all Chinese (the demo is Chinese).
DEFAULT_JURISDICTION = Jurisdiction.CN
