"""Who is told what (in-app and mail), and the pages: escaping, the report form, the inbox."""

from django.core import mail

from complaints.models import Complaint
from governance.models import Notification

SCRIPT = "<script>alert('x')</script>"


def test_the_complainant_is_acknowledged_at_once_and_told_the_outcome(
        world, file_complaint, api_as, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        api_as(world.inspector).post(f"/api/v1/complaints/{complaint.id}/triage/",
                                     {"decision": "inadmissible", "reasons": "No case."},
                                     format="json")
    subjects = list(Notification.objects.filter(recipient=world.citizen)
                    .order_by("id").values_list("subject", flat=True))
    assert subjects == ["We received your complaint",
                        f"Decision on your complaint {complaint.id}"]
    assert Complaint.objects.get(id=complaint.id).acknowledged_at is not None
    assert all("No case." not in m.body for m in mail.outbox)  # content stays on the platform


def test_a_tipsters_message_notifies_the_regulator_and_nobody_else(
        world, send_tip, api, eager, django_capture_on_commit_callbacks):
    tip, receipt = send_tip()
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/api/v1/tips/messages/", {"receipt": receipt, "body": "Also at night."},
                 format="json")
    # The regulator's staff (inspector and supervisor), and nobody else.
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        world.inspector.id, world.supervisor.id}


def test_script_in_a_description_is_escaped_on_every_page(world, file_complaint, client, api,
                                                          send_tip):
    complaint = file_complaint(description=SCRIPT)
    tip, receipt = send_tip(description=SCRIPT)
    from complaints.services.messages import complaint_forward

    complaint_forward(complaint=complaint, actor=world.inspector, summary=SCRIPT)
    pages = []
    client.force_login(world.inspector)
    pages += [client.get(f"/regulator/complaints/{complaint.id}/"),
              client.get(f"/regulator/complaints/{tip.id}/"), client.get("/regulator/complaints/")]
    client.force_login(world.citizen)
    pages.append(client.get(f"/citizen/complaints/{complaint.id}/"))
    client.force_login(world.acme_admin)
    pages.append(client.get(f"/enterprise/complaints/{complaint.id}/"))
    client.logout()
    pages.append(client.post("/tips/status/", {"receipt": receipt}))
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert SCRIPT not in html
    assert "&lt;script&gt;" in pages[0].content.decode()


def test_the_report_page_sends_an_anonymous_tip_and_shows_the_receipt_once(client, world, gate):
    page = client.get(f"/report/?deployment={gate.id}")
    assert gate.name in page.content.decode()
    response = client.post(f"/report/?deployment={gate.id}", {
        "deployment_id": gate.id, "category": "no_signage", "description": "No sign at all."})
    assert response.status_code == 200 and response["Cache-Control"].startswith("no-store")
    tip = Complaint.objects.get()
    assert tip.kind == "tip" and tip.deployment == gate
    assert "receipt" in response.content.decode()


def test_the_report_page_files_a_signed_complaint_for_a_citizen_who_gives_their_name(
        client, world, gate):
    client.force_login(world.citizen)
    response = client.post(f"/report/?deployment={gate.id}", {
        "deployment_id": gate.id, "category": "no_consent", "description": "Never asked."})
    complaint = Complaint.objects.get()
    assert complaint.complainant == world.citizen
    assert response.url == f"/citizen/complaints/{complaint.id}/"


def test_the_register_entry_and_the_sign_link_to_report_a_problem(client, world, gate):
    for path in (f"/register/{gate.id}/", f"/register/{gate.id}/signage/"):
        assert f"/report/?deployment={gate.id}" in client.get(path).content.decode()


def test_the_inbox_filters_and_hides_other_regions(world, file_complaint, send_tip, client):
    complaint = file_complaint()
    tip, _ = send_tip(category="leak_or_sale")
    client.force_login(world.inspector)
    urgent = client.get("/regulator/complaints/?priority=urgent").content.decode()
    assert f"/regulator/complaints/{tip.id}/" in urgent
    assert f"/regulator/complaints/{complaint.id}/" not in urgent
    client.force_login(world.distant_inspector)
    page = client.get("/regulator/complaints/").content.decode()
    assert f"/regulator/complaints/{complaint.id}/" not in page
    assert client.get(f"/regulator/complaints/{complaint.id}/").status_code == 404


def test_guidance_is_public_and_a_consultation_reaches_the_regulator(world, api_as, api):
    published = api_as(world.inspector).post("/api/v1/guidance/", {
        "title": "Signs at gates", "body": "Post the sign at eye level.",
        "rules": ["public_place_signage"]}, format="json")
    assert published.status_code == 201, published.json()
    assert [n["title"] for n in api.get("/api/v1/guidance/").json()] == ["Signs at gates"]
    assert api_as(world.acme_admin).post("/api/v1/guidance/", {
        "title": "x", "body": "y"}, format="json").status_code == 403
    asked = api_as(world.acme_admin).post("/api/v1/consultations/", {
        "subject": "Visitors", "question": "May visitors use a PIN?"}, format="json")
    assert asked.status_code == 201 and asked.json()["regulator_id"] == world.regulator.id
    listed = api_as(world.inspector).get("/api/v1/consultations/").json()
    assert [c["subject"] for c in listed] == ["Visitors"]
    assert api_as(world.other_admin).get("/api/v1/consultations/").json() == []
