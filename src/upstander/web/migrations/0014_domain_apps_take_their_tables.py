"""The web application split by domain: its tables move, in Django's state only, to the apps that now own
them (portal, triage, cases, intelligence, prevention). Nothing in the database changes: each table keeps
its name (`db_table`), so a force's data stays where it is."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0013_retention'),
        ('portal', '0001_initial'),
        ('triage', '0001_initial'),
        ('cases', '0001_initial'),
        ('intelligence', '0001_initial'),
        ('prevention', '0001_initial'),
    ]

    # State only: the tables are already there.
    state_operations = [
        migrations.RemoveField(
            model_name='case',
            name='source_alert',
        ),
        migrations.RemoveField(
            model_name='disposition',
            name='alert',
        ),
        migrations.RemoveField(
            model_name='case',
            name='assigned',
        ),
        migrations.RemoveField(
            model_name='case',
            name='opened_by',
        ),
        migrations.RemoveField(
            model_name='engagemententry',
            name='case',
        ),
        migrations.RemoveField(
            model_name='declaration',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='declaration',
            name='declared_by',
        ),
        migrations.RemoveField(
            model_name='developmentaction',
            name='by',
        ),
        migrations.RemoveField(
            model_name='developmentaction',
            name='record',
        ),
        migrations.RemoveField(
            model_name='disposition',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='engagemententry',
            name='by',
        ),
        migrations.RemoveField(
            model_name='identityreveal',
            name='by',
        ),
        migrations.RemoveField(
            model_name='identityreveal',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='identityreveal',
            name='report',
        ),
        migrations.RemoveField(
            model_name='intelligencerecord',
            name='assigned',
        ),
        migrations.RemoveField(
            model_name='intelligencerecord',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='report',
            name='linked_intelligence',
        ),
        migrations.RemoveField(
            model_name='intelligencesubject',
            name='record',
        ),
        migrations.RemoveField(
            model_name='portalvisit',
            name='report',
        ),
        migrations.RemoveField(
            model_name='report',
            name='assigned',
        ),
        migrations.RemoveField(
            model_name='report',
            name='triaged_by',
        ),
        migrations.RemoveField(
            model_name='reportmessage',
            name='report',
        ),
        migrations.RemoveField(
            model_name='reportsubject',
            name='report',
        ),
        migrations.RemoveField(
            model_name='reportattachment',
            name='report',
        ),
        migrations.RemoveField(
            model_name='reportmessage',
            name='by',
        ),
        migrations.DeleteModel(
            name='Alert',
        ),
        migrations.DeleteModel(
            name='Case',
        ),
        migrations.DeleteModel(
            name='Declaration',
        ),
        migrations.DeleteModel(
            name='DevelopmentAction',
        ),
        migrations.DeleteModel(
            name='Disposition',
        ),
        migrations.DeleteModel(
            name='EngagementEntry',
        ),
        migrations.DeleteModel(
            name='IdentityReveal',
        ),
        migrations.DeleteModel(
            name='IntelligenceRecord',
        ),
        migrations.DeleteModel(
            name='IntelligenceSubject',
        ),
        migrations.DeleteModel(
            name='PortalVisit',
        ),
        migrations.DeleteModel(
            name='ReportSubject',
        ),
        migrations.DeleteModel(
            name='Report',
        ),
        migrations.DeleteModel(
            name='ReportAttachment',
        ),
        migrations.DeleteModel(
            name='ReportMessage',
        ),
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
