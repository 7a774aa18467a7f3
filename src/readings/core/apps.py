from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "readings.core"
    label = "core"

    def ready(self) -> None:
        from readings.core import checks  # noqa: F401  (registers the checks)
