from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from governance.models import (
    CitizenProfile,
    Consent,
    ConsentLedgerEntry,
    IndustryMembership,
    Membership,
    Organisation,
    Purpose,
    RightsRequest,
    SubjectPurge,
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


# --- consent ledger and rights requests: read-only -------------------------------------------
# Changes go through the services (which write the ledger and events); the admin only shows.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["receipt_id", "deployment", "subject_ref", "state", "needs_renewal",
                    "given_at"]
    list_filter = ["state", "needs_renewal", "method"]
    search_fields = ["subject_ref", "receipt_id"]


@admin.register(ConsentLedgerEntry)
class ConsentLedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["deployment", "sequence", "kind", "subject_ref", "recorded_at", "entry_hash"]
    list_filter = ["kind"]
    search_fields = ["subject_ref", "entry_hash"]


@admin.register(RightsRequest)
class RightsRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "deployment", "citizen", "state", "due_at"]
    list_filter = ["type", "state"]


@admin.register(SubjectPurge)
class SubjectPurgeAdmin(ReadOnlyAdmin):
    list_display = ["deployment", "subject_ref", "reason", "requested_at", "completed_at",
                    "attempts"]
