"""Deployments: declare, change, move through the lifecycle, check against the law."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.apis.serializers import (
    ChangeRequestOutputSerializer,
    ComplianceOutputSerializer,
    DeploymentOutputSerializer,
    change_payload,
    compliance_payload,
    deployment_payload,
)
from governance.errors import NotPermitted
from governance.models import (
    DataCategory,
    DeploymentAction,
    Interest,
    Jurisdiction,
    LegalBasis,
    Mode,
    Organisation,
    OrganisationKind,
    PlaceType,
    RetentionTrigger,
    Scenario,
    Storage,
)
from governance.permissions import DEPLOYMENT_MANAGERS, can, organisations_of
from governance.purposes import PURPOSE_TAXONOMY
from governance.selectors.deployments import deployment_get_for_user, deployment_list_for_user
from governance.services.approvals import approval_propose
from governance.services.deployments import deployment_create, deployment_update
from governance.services.lifecycle import ACTIONS


class RetentionRuleInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(DataCategory.choices)
    period_days = serializers.IntegerField(min_value=0, max_value=36500)
    trigger = serializers.ChoiceField(RetentionTrigger.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=250, default="")


class DeploymentInputSerializer(serializers.Serializer):
    """The declared fields; `notice` is the text of a new notice version."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    location = serializers.CharField(required=False, allow_blank=True, max_length=250)
    jurisdiction = serializers.ChoiceField(
        Jurisdiction.choices, required=False,
        help_text=gettext_lazy("Whose law judges the deployment; defaults to the operator's "
                               "and must match."))
    scenario = serializers.ChoiceField(Scenario.choices)
    mode = serializers.ChoiceField(Mode.choices)
    place_type = serializers.ChoiceField(PlaceType.choices)
    is_public_place = serializers.BooleanField(required=False)
    has_signage = serializers.BooleanField(required=False)
    interest = serializers.ChoiceField(Interest.choices)
    # Checked against the taxonomy by the service (400 `unknown_purpose`, naming the codes),
    # never as a "slug".
    purposes = serializers.ListField(
        child=serializers.CharField(max_length=60), allow_empty=False,
        help_text="Codes from the purpose taxonomy: "
                  + ", ".join(code for code, _name, _description in PURPOSE_TAXONOMY) + ".")
    legal_basis = serializers.ChoiceField(LegalBasis.choices, required=False)
    storage = serializers.ChoiceField(Storage.choices, required=False)
    central_storage_separate_consent = serializers.BooleanField(required=False)
    expected_subjects = serializers.IntegerField(min_value=0, required=False)
    # Required, but a draft may hold it unfinished: the rules engine blocks submission.
    non_face_alternative = serializers.CharField(allow_blank=True)
    keeps_images = serializers.BooleanField(required=False)
    keeps_images_justification = serializers.CharField(required=False, allow_blank=True)
    threshold = serializers.FloatField(
        required=False,
        help_text=gettext_lazy("A distance: lower is stricter. Above 0 and at most the "
                                  "recognition engine's calibrated maximum (0.6 for dlib's "
                                  "model), else 400 `threshold_out_of_range`."))
    threshold_change_reason = serializers.CharField(required=False, allow_blank=True)
    change_reason = serializers.CharField(
        required=False, allow_blank=True,
        help_text=gettext_lazy("Why the deployment changes; required when the change waits for the "
                  "regulator, and published on the register with the change."))
    requires_liveness = serializers.BooleanField(required=False)
    two_person_confirmation = serializers.BooleanField(required=False)
    retention_rules = RetentionRuleInputSerializer(many=True, required=False)
    notice = serializers.CharField(required=False, allow_blank=True)

    def validate_retention_rules(self, rows: list[dict]) -> list[dict]:
        categories = [row["category"] for row in rows]
        if len(categories) != len(set(categories)):
            raise serializers.ValidationError(_("One rule per data category."))
        return rows


def split_input(data: dict[str, Any]) -> dict[str, Any]:
    """Turn validated input into the keyword arguments of the deployment services."""
    data = dict(data)
    kwargs: dict[str, Any] = {
        "purposes": data.pop("purposes", None),
        "retention_rules": data.pop("retention_rules", None),
        "notice_text": data.pop("notice", None),
    }
    kwargs["threshold_reason"] = data.pop("threshold_change_reason", "")
    kwargs["reason"] = data.pop("change_reason", "")
    data.pop("organisation", None)
    kwargs["fields"] = data
    return kwargs


class DeploymentListApi(APIView):
    class InputSerializer(DeploymentInputSerializer):
        organisation = serializers.IntegerField(
            required=False, help_text=gettext_lazy("The enterprise; defaults to your only one."))

    @extend_schema(responses={200: DeploymentOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        deployments = deployment_list_for_user(user=request.user).prefetch_related(
            "notices", "retention_rules", "threshold_changes", "assessments", "filings",
            "decisions__regulator", "changes__requested_by", "changes__decided_by",
            "changes__regulator")
        rows = [deployment_payload(d, request.user, detail=False) for d in deployments]
        return Response(DeploymentOutputSerializer(rows, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: DeploymentOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = _organisation_for(request.user, data.validated_data.get("organisation"))
        kwargs = split_input(data.validated_data)
        kwargs.pop("reason")
        kwargs.pop("threshold_reason")
        kwargs["retention_rules"] = kwargs["retention_rules"] or ()
        kwargs["notice_text"] = kwargs["notice_text"] or ""
        deployment = deployment_create(organisation=organisation, actor=request.user, **kwargs)
        return detail_response(request, deployment.id, status=status.HTTP_201_CREATED)


def detail_response(request: Request, deployment_id: int, status: int = 200) -> Response:
    """The deployment as stored now, read again through the access-checked selector."""
    deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
    payload = deployment_payload(deployment, request.user)
    return Response(DeploymentOutputSerializer(payload).data, status=status)


def _organisation_for(user: Any, organisation_id: int | None) -> Organisation:
    """The enterprise the new deployment belongs to; only its managers may create one."""
    mine = organisations_of(user, kind=OrganisationKind.ENTERPRISE, roles=DEPLOYMENT_MANAGERS)
    if organisation_id is None and mine.count() == 1:
        return mine.get()
    organisation = mine.filter(id=organisation_id).first() if organisation_id else None
    if organisation is None or not can(user, "deployment.create", organisation):
        raise NotPermitted(_("You may not register deployments for this organisation."))
    return organisation


class DeploymentDetailApi(APIView):
    class InputSerializer(DeploymentInputSerializer):
        pass

    @extend_schema(responses={200: DeploymentOutputSerializer})
    def get(self, request: Request, deployment_id: int) -> Response:
        return detail_response(request, deployment_id)

    class AppliedSerializer(DeploymentOutputSerializer):
        outcome = serializers.ChoiceField(["applied", "unchanged"])
        change = ChangeRequestOutputSerializer(
            allow_null=True,
            help_text=gettext_lazy("The change record (before/after) once submitted."))

    class FiledSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(["change_request"])
        detail = serializers.CharField()
        change_request = ChangeRequestOutputSerializer()

    @extend_schema(
        request=InputSerializer,
        responses={200: AppliedSerializer, 202: FiledSerializer},
        description="200: the change took effect (`outcome` applied, or unchanged). 202: it "
                    "waits for the regulator as a change request (an approved public-interest "
                    "deployment made less safe or changed in what was approved); the "
                    "deployment stays as approved until the regulator decides.")
    def patch(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        update = deployment_update(deployment=deployment, actor=request.user,
                                   **split_input(data.validated_data))
        if update.outcome == "change_request":
            body = {"outcome": update.outcome, "change_request": change_payload(update.change),
                    "detail": _("The change waits for the regulator's approval; the "
                                "deployment stays as approved until then.")}
            return Response(self.FiledSerializer(body).data, status=status.HTTP_202_ACCEPTED)
        found = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        body = {**deployment_payload(found, request.user), "outcome": update.outcome,
                "change": update.change and change_payload(update.change)}
        return Response(self.AppliedSerializer(body).data)


class DeploymentActionApi(APIView):
    """One lifecycle move; subclasses name it. Reasons are required where the law wants
    them (regulator decisions) and to decommission (400 `reason_required`), optional
    otherwise."""

    action: str = ""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, default="")
        legal_basis = serializers.CharField(
            required=False, allow_blank=True, default="",
            help_text=gettext_lazy("Approve only: the legal basis a public-security deployment "
                                   "enrols under."))

    @extend_schema(request=InputSerializer, responses={200: DeploymentOutputSerializer})
    def post(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = dict(data.validated_data)
        if self.action != DeploymentAction.APPROVE:
            kwargs.pop("legal_basis")
        ACTIONS[self.action](deployment=deployment, actor=request.user, **kwargs)
        return detail_response(request, deployment_id)


ACTION_DOCS = {
    DeploymentAction.APPROVE: (
        "Four eyes: a supervisor of a regulator covering the operator approves what another "
        "person proposed (POST propose-approval/ first). 403 `permission_denied` for anyone "
        "else, 409 `proposal_required` without an open proposal, 409 `four_eyes` for the "
        "proposer; the legal basis defaults to the proposal's."),
    DeploymentAction.REJECT: (
        "A regulator refuses the deployment with reasons; an open approval proposal is "
        "closed by this decision (409 `four_eyes` if the caller proposed it)."),
}


def action_api(name: str) -> type[DeploymentActionApi]:
    title = name.capitalize()
    doc = ACTION_DOCS.get(name, DeploymentActionApi.__doc__)
    return type(f"Deployment{title}Api", (DeploymentActionApi,), {"action": name,
                                                                  "__doc__": doc})


class DeploymentComplianceApi(APIView):
    @extend_schema(responses={200: ComplianceOutputSerializer})
    def get(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        return Response(ComplianceOutputSerializer(compliance_payload(deployment)).data)


class ApprovalProposalOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    deployment_id = serializers.IntegerField()
    regulator = serializers.CharField(source="regulator.name")
    proposed_by = serializers.CharField(source="proposed_by.username")
    reasons = serializers.CharField()
    legal_basis = serializers.CharField()
    proposed_at = serializers.DateTimeField()
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class DeploymentProposeApprovalApi(APIView):
    """Four eyes, first pair: an inspector proposes approving a pending public-interest
    deployment; a supervisor (another person) then calls `approve/`."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True)
        legal_basis = serializers.CharField(
            required=False, allow_blank=True, default="",
            help_text="The legal basis a public-security deployment would enrol under.")

    @extend_schema(
        request=InputSerializer, responses={201: ApprovalProposalOutputSerializer},
        description="201: the proposal waits for a supervisor. 409 `proposal_open` when one "
                    "already waits, `invalid_transition` unless pending approval; 400 "
                    "`reason_required` or `rule_violations`. `approve/` then needs a "
                    "supervisor who is not the proposer (409 `proposal_required`, "
                    "409 `four_eyes`).")
    def post(self, request: Request, deployment_id: int) -> Response:
        deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = approval_propose(deployment=deployment, actor=request.user,
                                    **data.validated_data)
        return Response(ApprovalProposalOutputSerializer(proposal).data,
                        status=status.HTTP_201_CREATED)
