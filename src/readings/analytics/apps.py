from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "readings.analytics"
    label = "analytics"
