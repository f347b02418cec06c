from django.apps import AppConfig


class PosConfig(AppConfig):
    name = "contexts.pos"
    label = "pos"
    verbose_name = "Caisse"
