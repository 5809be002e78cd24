from django.db import migrations


def seed_purposes(apps, schema_editor):
    from governance.purposes import PURPOSE_TAXONOMY

    Purpose = apps.get_model("governance", "Purpose")
    for code, name, description in PURPOSE_TAXONOMY:
        Purpose.objects.update_or_create(
            code=code, defaults={"name": name, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_deployments")]

    operations = [migrations.RunPython(seed_purposes, migrations.RunPython.noop)]
