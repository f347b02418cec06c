from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "contexts.engagement"
    label = "engagement"
    verbose_name = "Relation client"

    def ready(self):
        from contexts.engagement.reporting import tasks as _reporting_tasks  # noqa: F401  (Celery tasks)
