from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "contexts.engagement"
    label = "engagement"
    verbose_name = "Relation client"

    def ready(self):
        from contexts.engagement.reporting import tasks as _reporting_tasks  # noqa: F401  (Celery tasks)
        from contexts.engagement.webhooks import tasks as _webhooks_tasks  # noqa: F401  (Celery tasks)
        from contexts.engagement.services import loyalty
        from crm import hooks

        # Lower contexts (commercial's checkout, the till) ask through the kernel: see README.
        hooks.provide("loyalty.redeem", loyalty.redeem)
        hooks.provide("loyalty.restore", loyalty.restore)

        from contexts.engagement.services import gdpr as _gdpr
        from crm import gdpr

        gdpr.register("engagement", _gdpr)  # its part of core's GDPR export and erasure
        hooks.provide("loyalty.points", loyalty.points)
