from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "readings.accounts"
    label = "accounts"
