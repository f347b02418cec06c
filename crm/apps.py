from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "crm"
    label = "crm"
    verbose_name = "Système"

    def ready(self):
        from crm import audit, observability

        observability.connect_celery_signals()
        audit.connect()
