from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "contexts.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self):
        from contexts.finance import handlers  # noqa: F401  (subscribers register on import)
