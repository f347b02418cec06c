from django.apps import AppConfig


class PosConfig(AppConfig):
    name = "contexts.pos"
    label = "pos"
    verbose_name = "Caisse"

    def ready(self):
        from contexts.pos.services import gdpr as _gdpr
        from crm import gdpr

        gdpr.register("pos", _gdpr)  # its part of core's GDPR export and erasure
