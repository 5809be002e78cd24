from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from governance.models import (
    CitizenProfile,
    IndustryMembership,
    Membership,
    Organisation,
    Purpose,
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
