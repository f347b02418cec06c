from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "contexts.engagement"
    label = "engagement"
    verbose_name = "Relation client"

    def ready(self):
        from contexts.engagement import handlers  # noqa: F401  (subscribers register on import)
        from contexts.engagement.services import loyalty
        from crm import hooks

        # Lower contexts (commercial's checkout, the till) ask through the kernel: see README.
        hooks.provide("loyalty.redeem", loyalty.redeem)
        hooks.provide("loyalty.restore", loyalty.restore)
