from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('governance', '0009_consent_evidence_sealed'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='consent',
            name='evidence_file',
        ),
    ]
