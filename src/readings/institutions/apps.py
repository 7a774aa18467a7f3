from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "readings.institutions"
    label = "institutions"
