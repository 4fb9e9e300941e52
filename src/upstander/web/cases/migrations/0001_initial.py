"""This app's tables as they were when the web application was split by domain. They already exist (made by
the `web` app's migrations 0001-0013 under the same names), so the models are taken over in Django's state
only; the `web` app lets go of them in its 0014."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0013_retention'),
        ('triage', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables are already there.
    state_operations = [
        migrations.CreateModel(
            name='Case',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=32, unique=True)),
                ('title', models.CharField(max_length=200)),
                ('subject_staff_id', models.CharField(db_index=True, max_length=32)),
                ('stage', models.CharField(choices=[('assessment', 'Assessment'), ('investigation', 'Investigation'), ('proceedings', 'Misconduct proceedings'), ('outcome', 'Outcome recorded'), ('closed', 'Closed')], db_index=True, default='assessment', max_length=16)),
                ('opened_at', models.DateTimeField(auto_now_add=True)),
                ('serious_corruption', models.BooleanField(default=False)),
                ('apsp', models.BooleanField(default=False, verbose_name='abuse of position for a sexual purpose')),
                ('referral', models.CharField(choices=[('pending', 'Not yet decided'), ('refer', 'Referred to the IOPC'), ('not_refer', 'Not referred')], default='pending', max_length=16)),
                ('referral_date', models.DateField(blank=True, null=True)),
                ('referral_reason', models.TextField(blank=True)),
                ('mode', models.CharField(blank=True, choices=[('local', 'Local investigation'), ('directed', 'Directed by the IOPC'), ('independent', 'Independent (IOPC)')], max_length=16)),
                ('investigation_started', models.DateField(blank=True, null=True)),
                ('standards', models.JSONField(blank=True, default=list)),
                ('severity', models.CharField(blank=True, choices=[('', 'Not yet assessed'), ('no_misconduct', 'No misconduct'), ('practice_requiring_improvement', 'Practice requiring improvement (reflective practice)'), ('misconduct', 'Misconduct'), ('gross_misconduct', 'Gross misconduct')], max_length=40)),
                ('proceedings', models.CharField(blank=True, choices=[('', 'None'), ('meeting', 'Misconduct meeting'), ('hearing', 'Misconduct hearing'), ('accelerated_hearing', 'Accelerated misconduct hearing')], max_length=24)),
                ('outcome', models.CharField(blank=True, choices=[('', 'Not yet decided'), ('no_further_action', 'No further action'), ('reflective_practice', 'Reflective practice review'), ('written_warning', 'Written warning'), ('final_written_warning', 'Final written warning'), ('reduction_in_rank', 'Reduction in rank'), ('dismissal_without_notice', 'Dismissal without notice'), ('would_have_been_dismissed', 'Would have been dismissed (has left)')], max_length=32)),
                ('listing', models.CharField(blank=True, choices=[('', 'Not listed'), ('barred', 'Barred list'), ('advisory', 'Advisory list')], max_length=16)),
                ('criminal_referral', models.BooleanField(default=False)),
                ('pension_forfeiture_considered', models.BooleanField(default=False)),
                ('lessons_learned', models.TextField(blank=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('assigned', models.ManyToManyField(blank=True, db_table='web_case_assigned', related_name='cases', to=settings.AUTH_USER_MODEL)),
                ('opened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source_alert', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='triage.alert')),
            ],
            options={
                'db_table': 'web_case',
            },
        ),
        migrations.CreateModel(
            name='EngagementEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('update', 'Update given'), ('support_referral', 'Support referral'), ('debrief', 'Debrief')], max_length=24)),
                ('note', models.TextField()),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='engagement', to='cases.case')),
            ],
            options={
                'db_table': 'web_engagemententry',
            },
        ),
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
