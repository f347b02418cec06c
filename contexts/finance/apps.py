from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "contexts.finance"
    label = "finance"
    verbose_name = "Finance"
