from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "contexts.core"
    label = "core"
    verbose_name = "Clients"

    def ready(self):
        from contexts.core import schema  # noqa: F401  (OpenAPI auth extensions register on import)
