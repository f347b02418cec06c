from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "contexts.engagement"
    label = "engagement"
    verbose_name = "Relation client"
