"""Operators see keys, subjects and events — never template or image bytes."""

from django.contrib import admin

from governance.admin import ReadOnlyAdmin
from recognition.models import (
    ApiKey,
    Device,
    DeviceOrder,
    DeviceRefusal,
    Evaluation,
    GalleryIndexMeasurement,
    GalleryShardHolding,
    LivenessChallenge,
    RecognitionEvent,
    VaultSubject,
)


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "deployment", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_by", "created_at", "last_used_at",
                       "revoked_at", "revoked_by"]
    search_fields = ["name", "prefix", "deployment__name"]


@admin.register(VaultSubject)
class VaultSubjectAdmin(admin.ModelAdmin):
    list_display = ["subject_ref", "deployment", "enrolled_at", "last_interaction_at"]
    search_fields = ["subject_ref"]
    fields = ["deployment", "subject_ref", "key_id", "enrolled_at", "last_interaction_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(RecognitionEvent)
class RecognitionEventAdmin(ReadOnlyAdmin):
    list_display = ["deployment", "sequence", "operation", "purpose", "outcome",
                    "refusal_code", "subject_ref", "recorded_at"]
    list_filter = ["operation", "outcome", "deployment"]
    search_fields = ["subject_ref", "refusal_code"]


@admin.register(LivenessChallenge)
class LivenessChallengeAdmin(admin.ModelAdmin):
    list_display = ["id", "deployment", "actions", "created_at", "passed", "failure_reason"]
    exclude = ["sealed_identity"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    """Read-only: figures come from runs, never from an edit form."""

    list_display = ["id", "deployment", "status", "progress", "threshold", "images",
                    "engine_version", "created_at", "finished_at"]
    list_filter = ["status"]
    fields = ["deployment", "evaluation_set", "status", "progress", "threshold", "target_fmr",
              "engine_version", "images", "identities", "failures_to_enrol", "error_code",
              "created_at", "started_at", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False



@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ["name", "deployment", "place", "status", "transform_version",
                    "last_contact_at"]
    list_filter = ["status"]
    search_fields = ["name", "place", "key_id", "deployment__name"]


@admin.register(DeviceOrder)
class DeviceOrderAdmin(ReadOnlyAdmin):
    list_display = ["device", "kind", "subject_ref", "trigger", "issued_at", "deadline_at",
                    "acknowledged_at"]
    list_filter = ["kind", "trigger"]
    search_fields = ["subject_ref", "device__name"]


@admin.register(DeviceRefusal)
class DeviceRefusalAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "device", "code", "path"]
    list_filter = ["code"]


@admin.register(GalleryShardHolding)
class GalleryShardHoldingAdmin(ReadOnlyAdmin):
    list_display = ["worker", "queue", "deployment", "part", "parts", "templates", "bytes",
                    "loaded_at", "searched_at"]


@admin.register(GalleryIndexMeasurement)
class GalleryIndexMeasurementAdmin(ReadOnlyAdmin):
    list_display = ["deployment", "kind", "recall_at_1", "required_recall", "accepted",
                    "measured_at"]
    list_filter = ["kind", "accepted"]
