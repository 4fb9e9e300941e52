from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "upstander.web.products"
    label = "products"
    verbose_name = "Products and oversight"
    default_auto_field = "django.db.models.BigAutoField"
