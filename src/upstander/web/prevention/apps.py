from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "upstander.web.prevention"
    label = "prevention"
    verbose_name = "Prevention"
    default_auto_field = "django.db.models.BigAutoField"
