from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "upstander.web.triage"
    label = "triage"
    verbose_name = "Alert triage"
    default_auto_field = "django.db.models.BigAutoField"
