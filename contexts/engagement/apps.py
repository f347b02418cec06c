from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "contexts.engagement"
    label = "engagement"
    verbose_name = "Relation client"

    def ready(self):
        from contexts.engagement import handlers  # noqa: F401  (subscribers register on import)
        from contexts.engagement.reporting import handlers as _reporting_handlers  # noqa: F401
        from contexts.engagement.reporting import tasks as _reporting_tasks  # noqa: F401
