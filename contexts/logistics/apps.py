from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "contexts.logistics"
    label = "logistics"
    verbose_name = "Logistique"

    def ready(self):
        from contexts.logistics.services import gdpr as _gdpr
        from crm import gdpr

        gdpr.register("logistics", _gdpr)  # its part of core's GDPR export and erasure
