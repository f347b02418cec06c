from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "contexts.finance.billing"
    label = "billing"
    verbose_name = "Abonnements de la plateforme"
    default_auto_field = "django.db.models.BigAutoField"
