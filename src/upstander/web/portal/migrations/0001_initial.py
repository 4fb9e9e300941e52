"""This app's tables as they were when the web application was split by domain. They already exist (made by
the `web` app's migrations 0001-0013 under the same names), so the models are taken over in Django's state
only; the `web` app lets go of them in its 0014."""
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import upstander.web.sealing


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0013_retention'),
        ('intelligence', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables are already there.
    state_operations = [
        migrations.CreateModel(
            name='Report',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=16, unique=True)),
                ('submission', models.CharField(max_length=64, unique=True)),
                ('route', models.CharField(choices=[('public', 'A member of the public'), ('partner', 'A partner agency, for someone they support'), ('staff', 'A member of police staff, about a colleague')], max_length=16)),
                ('received_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('status', models.CharField(choices=[('received', 'Received'), ('acknowledged', 'Acknowledged'), ('assessing', 'Being assessed'), ('investigating', 'Being investigated'), ('closed', 'Closed')], db_index=True, default='received', max_length=16)),
                ('closed_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                ('receipt_hash', models.CharField(max_length=64, unique=True)),
                ('anonymous', models.BooleanField(default=True)),
                ('reporter_name', upstander.web.sealing.SealedTextField(blank=True, purpose='report.reporter_name')),
                ('reporter_phone', upstander.web.sealing.SealedTextField(blank=True, purpose='report.reporter_phone')),
                ('reporter_email', upstander.web.sealing.SealedTextField(blank=True, purpose='report.reporter_email')),
                ('contact_consent', models.BooleanField(default=False)),
                ('safe_channels', upstander.web.sealing.SealedTextField(blank=True, purpose='report.safe_channels')),
                ('safe_times', upstander.web.sealing.SealedTextField(blank=True, purpose='report.safe_times')),
                ('partner_agency', upstander.web.sealing.SealedTextField(blank=True, purpose='report.partner_agency')),
                ('partner_worker', upstander.web.sealing.SealedTextField(blank=True, purpose='report.partner_worker')),
                ('survivor_consent', upstander.web.sealing.SealedTextField(blank=True, purpose='report.survivor_consent')),
                ('subject_name', upstander.web.sealing.SealedTextField(blank=True, purpose='report.subject_name')),
                ('subject_collar', upstander.web.sealing.SealedTextField(blank=True, purpose='report.subject_collar')),
                ('subject_role', upstander.web.sealing.SealedTextField(blank=True, purpose='report.subject_role')),
                ('subject_station', upstander.web.sealing.SealedTextField(blank=True, purpose='report.subject_station')),
                ('subject_vehicle', upstander.web.sealing.SealedTextField(blank=True, purpose='report.subject_vehicle')),
                ('subject_description', upstander.web.sealing.SealedTextField(blank=True, purpose='report.subject_description')),
                ('what_happened', upstander.web.sealing.SealedTextField(purpose='report.what_happened')),
                ('when_happened', upstander.web.sealing.SealedTextField(blank=True, purpose='report.when_happened')),
                ('where_happened', upstander.web.sealing.SealedTextField(blank=True, purpose='report.where_happened')),
                ('others_affected', upstander.web.sealing.SealedTextField(blank=True, purpose='report.others_affected')),
                ('subject_staff_id', models.CharField(blank=True, db_index=True, max_length=32)),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('feedback_at', models.DateTimeField(blank=True, null=True)),
                ('triaged_at', models.DateTimeField(blank=True, null=True)),
                ('assigned', models.ManyToManyField(blank=True, db_table='web_report_assigned', related_name='reports', to=settings.AUTH_USER_MODEL)),
                ('linked_intelligence', models.ManyToManyField(blank=True, db_table='web_report_linked_intelligence', related_name='reports', to='intelligence.intelligencerecord')),
                ('triaged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'web_report',
                'ordering': ['-received_at'],
            },
        ),
        migrations.CreateModel(
            name='PortalVisit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key_hash', models.CharField(max_length=64, unique=True)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='portal.report')),
            ],
            options={
                'db_table': 'web_portalvisit',
            },
        ),
        migrations.CreateModel(
            name='IdentityReveal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('reason', models.TextField()),
                ('status', models.CharField(choices=[('pending', 'Waiting for a decision'), ('approved', 'Approved'), ('refused', 'Refused')], db_index=True, default='pending', max_length=16)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_reason', models.TextField(blank=True)),
                ('shown_at', models.DateTimeField(blank=True, null=True)),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reveals', to='portal.report')),
            ],
            options={
                'db_table': 'web_identityreveal',
            },
        ),
        migrations.CreateModel(
            name='ReportAttachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('filename', upstander.web.sealing.SealedTextField(purpose='report_attachment.filename')),
                ('content_type', models.CharField(max_length=64)),
                ('size', models.PositiveIntegerField()),
                ('sealed', models.BinaryField()),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='portal.report')),
            ],
            options={
                'db_table': 'web_reportattachment',
            },
        ),
        migrations.CreateModel(
            name='ReportMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sender', models.CharField(choices=[('reporter', 'The reporter'), ('unit', 'The anti-corruption unit')], max_length=16)),
                ('body', upstander.web.sealing.SealedTextField(purpose='report_message.body')),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('counts_as', models.CharField(blank=True, max_length=16)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='portal.report')),
            ],
            options={
                'db_table': 'web_reportmessage',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ReportSubject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('staff_id', models.CharField(db_index=True, max_length=32)),
                ('why', models.CharField(max_length=32)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='candidates', to='portal.report')),
            ],
            options={
                'db_table': 'web_reportsubject',
                'constraints': [models.UniqueConstraint(fields=('report', 'staff_id'), name='one_candidate_per_report')],
            },
        ),
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
