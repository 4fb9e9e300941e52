from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "upstander.web.portal"
    label = "portal"
    verbose_name = "Confidential reporting"
    default_auto_field = "django.db.models.BigAutoField"
