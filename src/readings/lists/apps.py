from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "readings.lists"
    label = "lists"
