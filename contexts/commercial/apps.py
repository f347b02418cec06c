from django.apps import AppConfig


class CommercialConfig(AppConfig):
    name = "contexts.commercial"
    label = "commercial"
    verbose_name = "Ventes et contrats"

    def ready(self):
        from contexts.commercial import handlers  # noqa: F401  (subscribers register on import)
