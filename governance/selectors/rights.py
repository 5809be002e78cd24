"""Access-checked reads of rights requests: the citizen's own, the enterprise's inbox, and
the requests under a regulator's mandate."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from governance.errors import NotFound
from governance.models import RightsRequest
from governance.permissions import can, visible_enterprise_ids


def rights_request_list_for_user(*, user: Any, state: str = "", deployment_id: int | None = None
                                 ) -> QuerySet[RightsRequest]:
    if not user.is_authenticated:
        return RightsRequest.objects.none()
    organisations = visible_enterprise_ids(user)
    requests = RightsRequest.objects.filter(
        Q(citizen=user) | Q(deployment__organisation__in=organisations))
    if state:
        requests = requests.filter(state=state)
    if deployment_id:
        requests = requests.filter(deployment_id=deployment_id)
    return requests.select_related("deployment__organisation", "citizen")


def rights_request_get_for_user(*, user: Any, request_id: int) -> RightsRequest:
    request = (RightsRequest.objects.select_related("deployment__organisation", "citizen")
               .filter(id=request_id).first())
    if request is None or not can(user, "rights_request.view", request):
        raise NotFound(_("No such request."))
    return request
