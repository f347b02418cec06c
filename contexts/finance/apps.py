from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "contexts.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self):
        from contexts.finance.services import gdpr as _gdpr
        from crm import gdpr

        gdpr.register("finance", _gdpr)  # its part of core's GDPR export and erasure
