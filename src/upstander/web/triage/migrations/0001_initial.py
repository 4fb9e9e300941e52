"""This app's tables as they were when the web application was split by domain. They already exist (made by
the `web` app's migrations 0001-0013 under the same names), so the models are taken over in Django's state
only; the `web` app lets go of them in its 0014."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0013_retention'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables are already there.
    state_operations = [
        migrations.CreateModel(
            name='Alert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('alert_id', models.CharField(max_length=64, unique=True)),
                ('detector_id', models.CharField(db_index=True, max_length=64)),
                ('red_flags', models.JSONField(default=list)),
                ('category', models.CharField(db_index=True, max_length=64)),
                ('subject_staff_id', models.CharField(db_index=True, max_length=32)),
                ('subject_team_id', models.CharField(blank=True, db_index=True, max_length=32)),
                ('person_ids', models.JSONField(default=list)),
                ('window_start', models.DateTimeField(null=True)),
                ('window_end', models.DateTimeField(null=True)),
                ('alerted_at', models.DateTimeField(db_index=True)),
                ('score', models.FloatField(db_index=True)),
                ('evidence', models.JSONField(default=list)),
                ('summary', models.TextField(blank=True)),
                ('status', models.CharField(choices=[('new', 'New'), ('assigned', 'Assigned'), ('disposed', 'Disposed')], db_index=True, default='new', max_length=16)),
                ('imported_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('assigned_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='assigned_alerts', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'web_alert',
            },
        ),
        migrations.CreateModel(
            name='Disposition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('outcome', models.CharField(choices=[('nfa', 'No further action'), ('develop', 'Develop as intelligence'), ('open_case', 'Open a case'), ('false_positive', 'False positive')], max_length=32)),
                ('reason', models.TextField()),
                ('decided_at', models.DateTimeField(auto_now_add=True)),
                ('alert', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='disposition', to='triage.alert')),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'web_disposition',
            },
        ),
        migrations.AddIndex(
            model_name='alert',
            index=models.Index(fields=['status', '-score'], name='web_alert_status_c706ba_idx'),
        ),
        migrations.AddIndex(
            model_name='alert',
            index=models.Index(fields=['subject_staff_id', '-alerted_at'], name='web_alert_subject_2724a4_idx'),
        ),
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
