
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _earlier_reveals_were_approved(apps: object, schema_editor: object) -> None:
    """A reveal made before the two-person rule was shown there and then: keep it in the history as approved
    (with no second person) and shown, so it can never be shown again from here."""
    reveal = apps.get_model("web", "IdentityReveal")  # type: ignore[attr-defined]
    reveal.objects.update(status="approved", shown_at=models.F("at"))


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0007_reports'),
    ]

    operations = [
        migrations.CreateModel(
            name='Team',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('team_id', models.CharField(max_length=32, unique=True)),
                ('supervisor_id', models.CharField(blank=True, db_index=True, max_length=32)),
            ],
        ),
        migrations.AddField(
            model_name='identityreveal',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='identityreveal',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='identityreveal',
            name='decision_reason',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='identityreveal',
            name='shown_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='identityreveal',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting for a decision'), ('approved', 'Approved'), ('refused', 'Refused')], db_index=True, default='pending', max_length=16),
        ),
        migrations.AddField(
            model_name='report',
            name='triaged_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='report',
            name='triaged_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='staffmember',
            name='forename',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='staffmember',
            name='surname',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.CreateModel(
            name='ReportSubject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('staff_id', models.CharField(db_index=True, max_length=32)),
                ('why', models.CharField(max_length=32)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='candidates', to='web.report')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('report', 'staff_id'), name='one_candidate_per_report')],
            },
        ),
        migrations.RunPython(_earlier_reveals_were_approved, migrations.RunPython.noop),
    ]
