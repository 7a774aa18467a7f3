from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "readings.lti"
    label = "lti"

    def ready(self) -> None:
        from django.core import checks

        from readings.lti import signals  # noqa: F401  (connects the receivers)
        from readings.lti.checks import check_lti_settings

        checks.register(check_lti_settings)
