from django.apps import AppConfig


class CommercialConfig(AppConfig):
    name = "contexts.commercial"
    label = "commercial"
    verbose_name = "Ventes et contrats"
