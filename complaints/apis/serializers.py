"""What each party reads of a case: one output per role, so that a field the enterprise must
not see is absent from its serializer, not filtered afterwards."""

from rest_framework import serializers

from complaints.models import Category, Channel, TriageDecision
from complaints.models.cases import DESCRIPTION_MAX_LENGTH
from complaints.models.messages import MESSAGE_MAX_LENGTH
from complaints.priority import reasons_shown


class CaseInputSerializer(serializers.Serializer):
    """The fields of a complaint and of a tip (DESIGN.md: fixed names)."""

    deployment_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    operator_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    place = serializers.CharField(required=False, allow_blank=True, max_length=250)
    region = serializers.CharField(required=False, allow_blank=True, max_length=120)
    category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    minors_involved = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(child=serializers.FileField(), required=False,
                                  default=list, max_length=5)


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    party = serializers.CharField()
    party_label = serializers.CharField(source="get_party_display")
    author = serializers.SerializerMethodField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_author(self, message) -> str:
        # Staff are named; a complainant or tipster never is.
        return message.author.get_username() if message.author_id else ""


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False,
                                      default=Channel.COMPLAINANT)


class CaseCommonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    deployment_id = serializers.IntegerField(allow_null=True)
    received_at = serializers.DateTimeField()


class ComplainantCaseSerializer(CaseCommonSerializer):
    """The complainant's own case (and a tipster's, through the receipt)."""

    priority = serializers.CharField()
    triage_due = serializers.DateTimeField()
    operator_name = serializers.CharField()
    place = serializers.CharField()
    description = serializers.CharField()
    triage_decision = serializers.CharField()
    triage_reasons = serializers.CharField()
    route_to_court = serializers.CharField()
    closing_reasons = serializers.CharField()
    investigation_id = serializers.IntegerField(allow_null=True)


class RegulatorCaseSerializer(ComplainantCaseSerializer):
    """Everything but who complained (complaints/selectors/cases.complaint_identity_for_user)."""

    priority_score = serializers.IntegerField()
    priority_reasons = serializers.SerializerMethodField()
    region = serializers.CharField()
    regulator_id = serializers.IntegerField(allow_null=True)
    minors_involved = serializers.BooleanField()
    own_records = serializers.JSONField()
    triaged_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    overdue_at = serializers.DateTimeField(allow_null=True)
    forwarded_summary = serializers.CharField()
    forwarded_at = serializers.DateTimeField(allow_null=True)
    attachments = serializers.SerializerMethodField()

    def get_priority_reasons(self, complaint) -> list[dict]:
        return reasons_shown(complaint.priority_reasons)

    def get_attachments(self, complaint) -> list[dict]:
        return [{"id": a.id, "party": a.party, "name": a.sealed.name,
                 "content_type": a.sealed.content_type, "size": a.sealed.size}
                for a in complaint.attachments.select_related("sealed")]


class EnterpriseCaseSerializer(CaseCommonSerializer):
    """What the regulator forwarded: its summary, never the complaint or who made it."""

    forwarded_summary = serializers.CharField()
    forwarded_at = serializers.DateTimeField()


OUTPUT_FOR_ROLE = {"regulator": RegulatorCaseSerializer,
                   "complainant": ComplainantCaseSerializer,
                   "enterprise": EnterpriseCaseSerializer}


class TriageInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=TriageDecision.choices)
    reasons = serializers.CharField(max_length=5000)
    investigation_id = serializers.IntegerField(required=False, allow_null=True)
    refer_to_id = serializers.IntegerField(required=False, allow_null=True)
    route_to_court = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    suspend = serializers.BooleanField(required=False, default=False)
