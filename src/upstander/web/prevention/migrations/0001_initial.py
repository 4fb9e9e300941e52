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
            name='Declaration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reference', models.CharField(max_length=32, unique=True)),
                ('staff_id', models.CharField(db_index=True, max_length=32)),
                ('kind', models.CharField(choices=[('business_interest', 'Business interest'), ('secondary_employment', 'Secondary employment'), ('notifiable_association', 'Notifiable association'), ('new_partner', 'New partner or housemate'), ('gift_hospitality', 'Gift or hospitality'), ('financial_difficulty', 'Financial difficulty'), ('change_of_circumstances', 'Other change of circumstances')], max_length=32)),
                ('detail', models.TextField()),
                ('declared_at', models.DateTimeField(auto_now_add=True)),
                ('decision', models.CharField(choices=[('pending', 'Awaiting a decision'), ('approved', 'Approved'), ('approved_with_conditions', 'Approved with conditions'), ('declined', 'Declined'), ('noted', 'Noted (no approval needed)')], db_index=True, default='pending', max_length=32)),
                ('conditions', models.TextField(blank=True)),
                ('decision_reason', models.TextField(blank=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('declared_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'web_declaration',
                'ordering': ['-declared_at'],
            },
        ),
    ]
    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations)]
