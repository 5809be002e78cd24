from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from governance.models import (
    ApprovalProposal,
    Audit,
    CitizenProfile,
    Consent,
    ConsentLedgerEntry,
    Convention,
    CreditGrade,
    DeletionCertificate,
    Deployment,
    DeploymentChange,
    DeploymentDecision,
    DeploymentEvent,
    DeploymentNotice,
    Filing,
    ImpactAssessment,
    IndustryMembership,
    LedgerCheckpoint,
    LegalHold,
    Membership,
    Organisation,
    OutboundMail,
    ProcessingRestriction,
    Purpose,
    RetentionDeferral,
    RetentionRule,
    RetentionSweep,
    RightsRequest,
    SealedFile,
    SignedLedgerHead,
    SubjectPurge,
    ThresholdChange,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class FaceGovUserAdmin(UserAdmin):
    list_display = ["username", "email", "is_staff", "is_active", "date_joined"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "created_at"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "slug", "registration_number"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "organisation__name"]


@admin.register(IndustryMembership)
class IndustryMembershipAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "industry_body", "joined_at"]


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "created_at"]
    search_fields = ["user__username", "display_name"]


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


# --- deployment registry ---------------------------------------------------------------------
# Status moves go through the lifecycle services (the admin would skip their rules and event
# rows), so status is read-only here; append-only records cannot be added, changed or deleted.


class AppendOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class RetentionRuleInline(admin.TabularInline):
    model = RetentionRule
    extra = 0


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status", "interest", "place_type", "threshold"]
    list_filter = ["status", "interest", "place_type", "scenario"]
    search_fields = ["name", "organisation__name", "location"]
    readonly_fields = ["status", "submitted_at", "activated_at", "decommissioned_at",
                       "material_change_at", "threshold", "stored_subjects"]
    filter_horizontal = ["purposes"]
    inlines = [RetentionRuleInline]

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(DeploymentNotice)
class DeploymentNoticeAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "version", "is_material_change", "published_at"]


@admin.register(DeploymentEvent)
class DeploymentEventAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "action", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["action"]


@admin.register(DeploymentDecision)
class DeploymentDecisionAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "decision", "regulator", "decided_by", "decided_at"]


@admin.register(ApprovalProposal)
class ApprovalProposalAdmin(AppendOnlyAdmin):
    """Proposed and decided through the services only (four eyes, governance.services.approvals)."""

    list_display = ["deployment", "proposed_by", "proposed_at", "decision", "decided_by",
                    "decided_at"]


@admin.register(DeploymentChange)
class DeploymentChangeAdmin(AppendOnlyAdmin):
    """Changes and change requests are decided through the services (pages and API) only."""

    list_display = ["deployment", "state", "requested_by", "requested_at", "decided_at"]
    list_filter = ["state"]


@admin.register(ProcessingRestriction)
class ProcessingRestrictionAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "subject_ref", "started_at", "lifted_at"]


@admin.register(ThresholdChange)
class ThresholdChangeAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "previous", "threshold", "actor", "changed_at"]


@admin.register(ImpactAssessment)
class ImpactAssessmentAdmin(AppendOnlyAdmin):
    """Kept at least three years (PIPL Art. 56): never deleted from here."""

    list_display = ["deployment", "version", "risk_level", "completed_at", "locked_at",
                    "keep_until"]


@admin.register(Filing)
class FilingAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "kind", "status", "due_at", "submitted_at", "acknowledged_at"]
    list_filter = ["kind", "status"]
# --- consent ledger and rights requests: read-only -------------------------------------------
# Changes go through the services (which write the ledger and events); the admin only shows.


@admin.register(Consent)
class ConsentAdmin(AppendOnlyAdmin):
    list_display = ["receipt_id", "deployment", "subject_ref", "state", "needs_renewal",
                    "given_at"]
    list_filter = ["state", "needs_renewal", "method"]
    search_fields = ["subject_ref", "receipt_id"]


@admin.register(ConsentLedgerEntry)
class ConsentLedgerEntryAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "sequence", "kind", "subject_ref", "recorded_at", "entry_hash"]
    list_filter = ["kind"]
    search_fields = ["subject_ref", "entry_hash"]


@admin.register(RightsRequest)
class RightsRequestAdmin(AppendOnlyAdmin):
    list_display = ["id", "type", "deployment", "citizen", "state", "due_at"]
    list_filter = ["type", "state"]


@admin.register(SubjectPurge)
class SubjectPurgeAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "subject_ref", "reason", "requested_at", "completed_at",
                    "attempts"]


# --- retention: certificates, holds and sweeps are shown, never edited here -----------------
# Holds are placed and released through their service (it records who and why, and schedules
# the deferred deletions); certificates are ledger entries.


@admin.register(DeletionCertificate)
class DeletionCertificateAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "sequence", "category", "count", "trigger", "legal_reference",
                    "recorded_at"]
    list_filter = ["category", "trigger"]


@admin.register(LegalHold)
class LegalHoldAdmin(AppendOnlyAdmin):
    list_display = ["deployment", "subject_ref", "category", "regulator", "placed_at",
                    "expires_at", "released_at"]
    list_filter = ["category"]


@admin.register(RetentionDeferral)
class RetentionDeferralAdmin(AppendOnlyAdmin):
    list_display = ["hold", "category", "items", "first_deferred_at", "last_deferred_at",
                    "sweeps"]


@admin.register(LedgerCheckpoint)
class LedgerCheckpointAdmin(AppendOnlyAdmin):
    list_display = ["ledger", "chain_key", "sequence", "certificate", "voucher_ledger",
                    "pruned_at"]


@admin.register(RetentionSweep)
class RetentionSweepAdmin(AppendOnlyAdmin):
    list_display = ["started_at", "duration_seconds", "destroyed", "certificates", "deferred",
                    "overdue_after"]


# --- platform: uploads and mail (metadata only: never the sealed bytes, keys or messages) ----


@admin.register(SealedFile)
class SealedFileAdmin(AppendOnlyAdmin):
    list_display = ["id", "purpose", "content_type", "size", "organisation", "created_at",
                    "delete_after", "destroyed_at"]
    list_filter = ["purpose", "content_type"]
    search_fields = ["id", "sha256"]
    exclude = ["wrapped_key"]


@admin.register(OutboundMail)
class OutboundMailAdmin(AppendOnlyAdmin):
    """Operators see what did not go out and why; the address and text stay sealed."""

    list_display = ["id", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status"]
    exclude = ["sealed_message"]


@admin.register(SignedLedgerHead)
class SignedLedgerHeadAdmin(AppendOnlyAdmin):
    list_display = ["ledger", "chain_key", "sequence", "signed_at", "key_id"]
    list_filter = ["ledger"]


# --- industry self-regulation (read-only: every change goes through the services) ----------


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services (signed, chained, measured): operators read, never edit. Other
    apps' admins use it too."""

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Convention)
class ConventionAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "industry_body", "published_at"]


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ["name", "organisation", "status", "score", "created_at"]
    list_filter = ["status"]


@admin.register(CreditGrade)
class CreditGradeAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "grade", "score", "reason", "computed_at"]
