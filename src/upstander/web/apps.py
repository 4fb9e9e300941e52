from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "upstander.web"
    label = "web"
    verbose_name = "Upstander"
    default_auto_field = "django.db.models.BigAutoField"
