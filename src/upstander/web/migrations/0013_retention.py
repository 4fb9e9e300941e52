"""Retention: the access log's signed retention anchors, and when each report was closed.

Reports already closed get the time of this migration as their closing: when they really closed was not kept,
and counting from the upgrade can only keep them longer, never delete one early."""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def closed_from_now(apps: Any, schema_editor: Any) -> None:
    Report = apps.get_model("web", "Report")
    Report.objects.filter(status="closed", closed_at=None).update(closed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('web', '0012_user_sso_identity'),
    ]

    operations = [
        migrations.CreateModel(
            name='RetentionAnchor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.BigIntegerField(unique=True)),
                ('hash', models.CharField(max_length=64)),
                ('last_at', models.DateTimeField()),
                ('removed', models.BigIntegerField()),
                ('made_at', models.DateTimeField()),
                ('signature', models.CharField(max_length=64)),
            ],
            options={
                'ordering': ['seq'],
            },
        ),
        migrations.AddField(
            model_name='report',
            name='closed_at',
            field=models.DateTimeField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(closed_from_now, migrations.RunPython.noop),
    ]
