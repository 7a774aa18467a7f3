from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "readings.engagement"
    label = "engagement"
