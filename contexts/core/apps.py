from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "contexts.core"
    label = "core"
    verbose_name = "Clients"
