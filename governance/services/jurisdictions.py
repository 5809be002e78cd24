"""Which law a deployment runs under: its jurisdiction must be its operator's.

A deployment inherits the jurisdiction of the operator's region when it declares none; one it
declares must match, since the operator's regulator (whose mandate stays inside one
jurisdiction) is the one that oversees it.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.models import Jurisdiction, Organisation

# Changing the law a deployment runs under changes what its assessment assessed.
JURISDICTION_FIELD = "jurisdiction"


def deployment_fields_with_jurisdiction(*, organisation: Organisation,
                                        fields: Mapping[str, Any]) -> dict[str, Any]:
    """The declared fields with the jurisdiction filled in from the operator, or refused
    (400 `jurisdiction_mismatch` / `invalid_jurisdiction`) when it is not the operator's."""
    fields = dict(fields)
    declared = fields.setdefault(JURISDICTION_FIELD, organisation.jurisdiction)
    deployment_jurisdiction_check(organisation=organisation, jurisdiction=declared)
    return fields


def deployment_jurisdiction_check(*, organisation: Organisation, jurisdiction: str) -> None:
    if jurisdiction not in Jurisdiction.values:
        raise DomainError(_("Unknown jurisdiction %(code)r.") % {"code": jurisdiction},
                          code="invalid_jurisdiction")
    if jurisdiction != organisation.jurisdiction:
        raise DomainError(
            _("%(operator)s operates under %(theirs)s: its deployments run under that law, "
              "not %(declared)s.") % {
                "operator": organisation.name,
                "theirs": Jurisdiction(organisation.jurisdiction).label,
                "declared": Jurisdiction(jurisdiction).label},
            code="jurisdiction_mismatch")
