from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "readings.courses"
    label = "courses"
