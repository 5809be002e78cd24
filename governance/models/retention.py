"""Retention rules declared per deployment and data category.

The statutory caps and the computation of the effective rule are code, in
governance/retention/rules.py; this module only stores what the operator declared.
"""

from django.db import models

from governance.models.deployments import Deployment


class DataCategory(models.TextChoices):
    FACE_TEMPLATE = "face_template", "Face templates"
    FACE_IMAGE = "face_image", "Face images"
    RECOGNITION_EVENT = "recognition_event", "Recognition events (logs)"
    CONSENT_RECORD = "consent_record", "Consent records"


class RetentionTrigger(models.TextChoices):
    COLLECTION = "collection", "after collection"
    LAST_INTERACTION = "last_interaction", "after the last interaction"
    CONSENT_WITHDRAWAL = "consent_withdrawal", "after consent is withdrawn"
    DEPLOYMENT_END = "deployment_end", "after the deployment ends"


class RetentionRule(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="retention_rules")
    category = models.CharField(max_length=30, choices=DataCategory.choices)
    period_days = models.PositiveIntegerField()
    trigger = models.CharField(max_length=30, choices=RetentionTrigger.choices)
    note = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["deployment", "category"]
        constraints = [
            models.UniqueConstraint(fields=["deployment", "category"],
                                    name="retention_rule_one_per_category"),
            models.CheckConstraint(condition=models.Q(category__in=DataCategory.values),
                                   name="retention_rule_category_valid"),
            models.CheckConstraint(condition=models.Q(trigger__in=RetentionTrigger.values),
                                   name="retention_rule_trigger_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.deployment.name}: {self.category} {self.period_days}d {self.trigger}"
