from django.apps import AppConfig


class CommercialConfig(AppConfig):
    name = "contexts.commercial"
    label = "commercial"
    verbose_name = "Ventes et contrats"

    def ready(self):
        from contexts.commercial.services import gdpr as _gdpr
        from crm import gdpr

        gdpr.register("commercial", _gdpr)  # its part of core's GDPR export and erasure
