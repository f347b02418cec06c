from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "contexts.logistics"
    label = "logistics"
    verbose_name = "Logistique"
