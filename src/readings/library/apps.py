from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "readings.library"
    label = "library"
