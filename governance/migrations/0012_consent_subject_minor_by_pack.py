"""`subject_under_14` becomes `subject_minor`: below the guardian age of the deployment's
jurisdiction pack (14 in China, 13–16 in the EU, 18 in Illinois). Existing rows were all
Chinese, where the two mean the same."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("governance", "0011_deployment_and_organisation_jurisdiction"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="consent", name="consent_minor_has_guardian"),
        migrations.RenameField(model_name="consent", old_name="subject_under_14",
                               new_name="subject_minor"),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(("subject_minor", False),
                                   models.Q(models.Q(("guardian_name", ""), _negated=True),
                                            models.Q(("guardian_relationship", ""),
                                                     _negated=True)),
                                   _connector="OR"),
                name="consent_minor_has_guardian"),
        ),
    ]
