from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "contexts.logistics"
    label = "logistics"
    verbose_name = "Logistique"

    def ready(self):
        from contexts.logistics import handlers  # noqa: F401  (subscribers register on import)
