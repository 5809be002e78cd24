"""Reads of organisations, always on behalf of a user and limited to what they may see."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from governance.errors import NotFound
from governance.models import Organisation
from governance.permissions import (
    enterprises_audited_by,
    enterprises_covered_by,
    organisations_of,
)


def organisation_list_for_user(*, user: Any) -> QuerySet[Organisation]:
    """Own organisations, plus enterprises under the user's regulatory mandate or audit."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    ids = (
        set(organisations_of(user).values_list("id", flat=True))
        | set(enterprises_covered_by(user).values_list("id", flat=True))
        | set(enterprises_audited_by(user).values_list("id", flat=True))
    )
    return Organisation.objects.filter(id__in=ids).order_by("name")


def organisation_get_for_user(*, user: Any, organisation_id: int) -> Organisation:
    """The organisation, or NotFound — also when it exists but is not the user's to see,
    so that an outsider cannot learn which ids exist."""
    try:
        return organisation_list_for_user(user=user).get(id=organisation_id)
    except Organisation.DoesNotExist:
        raise NotFound(_("No such organisation.")) from None
