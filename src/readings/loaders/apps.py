from django.apps import AppConfig


class LoadersConfig(AppConfig):
    name = "readings.loaders"
    label = "loaders"
