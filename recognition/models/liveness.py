"""Liveness challenges: random actions, a nonce, a short expiry, single use."""

import uuid

from django.db import models

from governance.models import Deployment
from recognition.models.apikeys import ApiKey


class LivenessChallenge(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE,
                                   related_name="liveness_challenges")
    api_key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, related_name="+")
    # The client device that asked (header X-Device-Id; blank for fixed cameras): challenges
    # are rate-limited per key and per device, so "ask until the challenge is easy" stops.
    device_id = models.CharField(max_length=64, blank=True)
    actions = models.JSONField()
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    failure_reason = models.CharField(max_length=60, blank=True)
    # Every liveness cue of the answer: {name: {"passed", "score", "threshold", "decisive"}}.
    cues = models.JSONField(default=dict, blank=True)
    # The face that passed, sealed under the deployment key, so that the one recognition call
    # the challenge admits is made by the same person; emptied when consumed.
    sealed_identity = models.BinaryField(default=b"")
    # A passed challenge admits exactly one recognition call, for the subject it was done by.
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["api_key", "created_at"]),
            models.Index(fields=["deployment", "device_id", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"liveness challenge {self.id}"


class SeenFrame(models.Model):
    """Digests of frames already answered: a frame sent twice is a replay, whatever challenge."""

    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deployment", "digest"], name="seen_frame_unique")
        ]

    def __str__(self) -> str:
        return self.digest
