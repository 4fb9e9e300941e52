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
            name='IntelligenceRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=32, unique=True)),
                ('received_at', models.DateTimeField(auto_now_add=True)),
                ('category', models.CharField(choices=[('infiltration', 'Infiltration'), ('disclosure', 'Disclosure of information'), ('perverting_justice', 'Perverting the course of justice'), ('sexual_misconduct', 'Sexual misconduct'), ('drugs', 'Controlled drug use and supply'), ('theft_fraud', 'Theft and fraud'), ('misusing_systems', 'Misusing force systems'), ('abuse_of_authority', 'Abuse of authority'), ('inappropriate_association', 'Inappropriate association'), ('vulnerability', 'Vulnerability'), ('assisting_offender', 'Assisting an offender'), ('other', 'Other')], max_length=32)),
                ('theme', models.CharField(choices=[('sexual_misconduct', 'Sexual misconduct'), ('theft', 'Theft'), ('unauthorised_disclosure', 'Unauthorised disclosure'), ('drugs', 'Drugs'), ('inappropriate_associations', 'Inappropriate associations'), ('organised_crime', 'Organised crime'), ('social_media', 'Social media'), ('business_interests', 'Business interests')], max_length=32)),
                ('prejudicial_improper', models.BooleanField(default=False, verbose_name='prejudicial and improper behaviour')),
                ('source_grade', models.CharField(choices=[('1', '1: reliable'), ('2', '2: untested'), ('3', '3: not reliable')], max_length=1)),
                ('assessment', models.CharField(choices=[('A', 'A: known directly to the source'), ('B', 'B: known indirectly, corroborated'), ('C', 'C: known indirectly'), ('D', 'D: not known'), ('E', 'E: suspected to be false')], max_length=1)),
                ('handling', models.CharField(choices=[('P', 'P: lawful sharing permitted'), ('C', 'C: lawful sharing permitted with conditions')], max_length=1)),
                ('text', models.TextField()),
                ('staff_ids', models.JSONField(default=list)),
                ('person_ids', models.JSONField(default=list)),
                ('assigned', models.ManyToManyField(blank=True, db_table='web_intelligencerecord_assigned', related_name='intelligence', to=settings.AUTH_USER_MODEL)),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'web_intelligencerecord',
            },
        ),
        migrations.CreateModel(
            name='DevelopmentAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.TextField()),
                ('due', models.DateField(blank=True, null=True)),
                ('done', models.BooleanField(default=False)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='intelligence.intelligencerecord')),
            ],
            options={
                'db_table': 'web_developmentaction',
            },
        ),
        migrations.CreateModel(
            name='IntelligenceSubject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('staff_id', models.CharField(db_index=True, max_length=32)),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subjects', to='intelligence.intelligencerecord')),
            ],
            options={
                'db_table': 'web_intelligencesubject',
                'constraints': [models.UniqueConstraint(fields=('record', 'staff_id'), name='one_link_per_subject')],
            },
        ),
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
