"""Four eyes on a public-interest approval: an inspector proposes, a supervisor decides.

A proposal is the regulator's draft approval of a pending public-interest deployment, with
its reasons and the legal basis it would rest on. The deployment is approved only when a
second person of the regulator — a supervisor — decides on the open proposal. That the two
are different people is a service check (a clear 409) and a database constraint, so no code
path can approve with one pair of eyes.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.deployments import Deployment
from governance.models.lifecycle import Decision
from governance.models.organisations import Organisation


class ApprovalProposal(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT,
                                   related_name="approval_proposals")
    regulator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    reasons = models.TextField(verbose_name=_("reasons"))
    legal_basis = models.TextField(blank=True, verbose_name=_("legal basis"))
    proposed_at = models.DateTimeField(auto_now_add=True)
    # The supervisor's decision on the proposal (blank while it is open).
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deployment", "-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(decided_by__isnull=True)
                           | ~models.Q(decided_by=models.F("proposed_by"))),
                name="approval_proposal_four_eyes"),
            models.CheckConstraint(
                condition=(models.Q(decision="", decided_by__isnull=True,
                                    decided_at__isnull=True)
                           | models.Q(decision__in=Decision.values, decided_by__isnull=False,
                                      decided_at__isnull=False)),
                name="approval_proposal_decided_whole"),
            models.CheckConstraint(condition=~models.Q(reasons=""),
                                   name="approval_proposal_has_reasons"),
            models.UniqueConstraint(fields=["deployment"],
                                    condition=models.Q(decided_at__isnull=True),
                                    name="approval_proposal_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name}: approval proposed by {self.proposed_by}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None
