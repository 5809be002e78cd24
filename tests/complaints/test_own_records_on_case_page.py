"""The case page shows the citizen's attached own records in words: labels and local dates,
never the codes stored in the JSON the citizen attached."""

import re

from django.db import transaction
from django.urls import reverse

from complaints.services.intake import CaseInput, complaint_submit
from governance.models import Deployment, SubjectLink
from governance.platform.ledger import chain_append
from governance.services.consent import consent_give
from recognition.models import RecognitionEvent


def test_the_attached_own_records_show_labels_not_codes(world, gate, client):
    SubjectLink.objects.create(citizen=world.citizen, deployment=gate, subject_ref="alice-1")
    consent_give(deployment=gate, actor=world.acme_admin, subject_ref="alice-1",
                 purposes=["access_control"], method="in_app_explicit",
                 evidence={"time": "t", "ip": "127.0.0.1", "user_agent": "pytest"})
    with transaction.atomic():
        Deployment.objects.select_for_update().get(id=gate.id)
        chain_append(RecognitionEvent(deployment=gate, operation="verify", outcome="no_match",
                                      subject_ref="alice-1"))
    complaint = complaint_submit(
        citizen=world.citizen, attach_own_records=True,
        data=CaseInput(category="no_consent", description="It did not let me in.",
                       deployment_id=gate.id))
    assert complaint.own_records["consents"][0]["state"] == "active"
    assert complaint.own_records["recognition_events"][0]["outcome"] == "no_match"

    client.force_login(world.inspector)
    page = client.get(reverse("complaint-case", args=[complaint.id])).content.decode()
    listed = re.search(r'<ul id="own-records">(.*?)</ul>', page, flags=re.S).group(1)
    assert "Consent: Active" in listed
    assert "Recognition: Verification → No match" in listed
    for code in ("active", "verify", "no_match", "access_control"):
        assert not re.search(rf"\b{code}\b", listed), code
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", listed)  # local dates, not ISO timestamps
