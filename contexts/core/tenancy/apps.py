from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "contexts.core.tenancy"
    label = "tenancy"
    verbose_name = "Plateforme"
