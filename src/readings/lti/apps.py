from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "readings.lti"
    label = "lti"
