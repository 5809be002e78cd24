"""A throwaway Django database for the benchmarks that need the platform, not only the engine.

Default: a fresh SQLite file in a new temporary directory (``FACEGOV_VAR_DIR``), settings
``config.settings.test``, ``DATABASE_URL`` unset. With ``--database-url postgres://...`` that
server is used instead: Django's test-database machinery creates ``test_<name>`` there (the
named database itself is never touched), runs the migrations, and drops it at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from _common import REPO_ROOT  # noqa: F401  (sets sys.path)


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url", default="",
        help="e.g. postgres://postgres@127.0.0.1:5432/facegov_bench (test_<name> is created "
             "and dropped there); default: a fresh SQLite file in a temporary directory")


@contextmanager
def throwaway_django(database_url: str = "") -> Iterator[str]:
    """Set Django up against a new, migrated, empty database; yields a description of it."""
    var_dir = tempfile.mkdtemp(prefix="facegov-bench-")
    os.environ["FACEGOV_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.pop("REDIS_URL", None)  # Celery falls back to the filesystem broker in var_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        import django

        django.setup()
        from django.db import connection

        old_name = connection.settings_dict["NAME"]
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True,
                                                  serialize=False)
        try:
            yield f"{connection.vendor} {name} (throwaway, migrated)"
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def make_enterprise_deployment(name: str = "Bench gate",  # type: ignore[no-untyped-def]
                               **fields):
    """An enterprise, its admin (a Membership) and an ACTIVE 1:1 access-control deployment with
    a published notice. Returns (deployment, admin user)."""
    from django.utils import timezone

    from governance.models import (
        Deployment,
        DeploymentNotice,
        DeploymentStatus,
        Interest,
        Membership,
        Mode,
        Organisation,
        OrganisationKind,
        PlaceType,
        Purpose,
        Role,
        Scenario,
        User,
    )

    organisation = Organisation.objects.create(name="Bench Enterprise", slug="bench-enterprise",
                                               kind=OrganisationKind.ENTERPRISE,
                                               region="Demo Province")
    admin = User.objects.create_user(username="bench-admin", email="admin@example.org",
                                     password="bench-password-not-secret")
    Membership.objects.create(user=admin, organisation=organisation, role=Role.ADMIN)
    deployment = Deployment.objects.create(
        organisation=organisation, name=name, scenario=Scenario.ACCESS_CONTROL,
        mode=Mode.VERIFICATION, place_type=PlaceType.RESIDENTIAL_COMMUNITY,
        interest=Interest.PRIVATE, status=DeploymentStatus.ACTIVE,
        non_face_alternative="Show the resident card to the guard, or type the door PIN.",
        activated_at=timezone.now(), **fields)
    deployment.purposes.set(Purpose.objects.filter(code__in=["access_control"]))
    DeploymentNotice.objects.create(
        deployment=deployment, version=1, published_at=timezone.now(),
        text="Face recognition opens this gate for residents who consented. Cards work too.")
    return deployment, admin
