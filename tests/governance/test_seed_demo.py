from django.core.management import call_command

from governance.models import CitizenProfile, IndustryMembership, Membership, Organisation, User


def test_seed_demo_creates_the_demo_world_and_is_idempotent(db):
    call_command("seed_demo", verbosity=0)
    counts = (Organisation.objects.count(), Membership.objects.count(), User.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Organisation.objects.count(), Membership.objects.count(),
            User.objects.count()) == counts == (3, 4, 5)
    acme = Organisation.objects.get(name="Acme Property Management")
    assert Membership.objects.get(user__username="acme_admin").organisation == acme
    assert Membership.objects.get(user__username="reg_supervisor").role == "supervisor"
    assert IndustryMembership.objects.get().enterprise == acme
    assert CitizenProfile.objects.get().user.username == "alice"
    assert User.objects.get(username="alice").check_password("facegov-demo")


def test_seed_demo_uses_the_configured_password(db, settings):
    settings.FACEGOV_DEMO_PASSWORD = "another-demo-pass"
    call_command("seed_demo", verbosity=0)
    assert User.objects.get(username="reg_inspector").check_password("another-demo-pass")
