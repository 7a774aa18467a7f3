from django.apps import AppConfig


class CitationsConfig(AppConfig):
    name = "readings.citations"
    label = "citations"
