"""The data migration: deployments and organisations that existed before jurisdictions all
become Chinese (the demo and every deployment so far ran under Chinese law)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("governance", "0010_consent_evidence_file_removed")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_existing_deployments_and_organisations_become_chinese():
    old = migrate([BEFORE])
    organisation = old.get_model("governance", "Organisation").objects.create(
        name="Old operator", slug="old-operator", kind="enterprise")
    deployment = old.get_model("governance", "Deployment").objects.create(
        organisation=organisation, name="Old gate", scenario="access_control",
        mode="verification", place_type="residential_community", interest="private",
        non_face_alternative="Use the key card.")
    # Every app: recognition and complaints migrations undone on the way back come back too.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = migrate(latest)
    assert new.get_model("governance", "Deployment").objects.get(
        pk=deployment.pk).jurisdiction == "CN"
    assert new.get_model("governance", "Organisation").objects.get(
        pk=organisation.pk).jurisdiction == "CN"
