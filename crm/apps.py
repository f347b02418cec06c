from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "crm"
    label = "crm"
    verbose_name = "Système"

    def ready(self):
        from django.conf import settings
        from django.utils.module_loading import import_string

        from crm import audit, eventbus, observability, tenant_cache
        from crm.rest import schema  # noqa: F401  (the OpenAPI descriptions of the authentication classes)

        observability.connect_celery_signals()
        audit.connect()
        tenant_cache.connect()
        eventbus.subscribe_table(import_string(settings.EVENT_SUBSCRIPTIONS))
