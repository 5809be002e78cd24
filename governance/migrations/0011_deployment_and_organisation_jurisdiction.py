"""Deployments and organisations declare a jurisdiction; every existing row becomes CN.

The columns are added nullable, filled by a data migration (the demo and every deployment so
far are Chinese), then made NOT NULL with CN as the default for new rows.
"""

from django.db import migrations, models

CHOICES = [("CN", "China (mainland)"), ("EU", "European Union"),
           ("US-IL", "United States — Illinois")]


def existing_rows_are_chinese(apps, schema_editor):
    for name in ("Deployment", "Organisation"):
        apps.get_model("governance", name).objects.filter(
            jurisdiction__isnull=True).update(jurisdiction="CN")


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0010_consent_evidence_file_removed"),
    ]

    operations = [
        migrations.AddField(
            model_name="deployment",
            name="jurisdiction",
            field=models.CharField(choices=CHOICES, max_length=8, null=True),
        ),
        migrations.AddField(
            model_name="organisation",
            name="jurisdiction",
            field=models.CharField(choices=CHOICES, max_length=8, null=True),
        ),
        migrations.RunPython(existing_rows_are_chinese, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deployment",
            name="jurisdiction",
            field=models.CharField(choices=CHOICES, default="CN", max_length=8),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="jurisdiction",
            field=models.CharField(choices=CHOICES, default="CN", max_length=8),
        ),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.CheckConstraint(
                condition=models.Q(("jurisdiction__in", ["CN", "EU", "US-IL"])),
                name="organisation_jurisdiction_valid"),
        ),
    ]
