from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "readings.discovery"
    label = "discovery"
