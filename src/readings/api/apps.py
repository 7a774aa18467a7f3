from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "readings.api"
    label = "api"
