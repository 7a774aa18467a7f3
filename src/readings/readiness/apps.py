from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "readings.readiness"
    label = "readiness"
