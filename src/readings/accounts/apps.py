from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "readings.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from readings.accounts.signals import last_login_record

        # In place of django.contrib.auth's receiver (same dispatch id): the same
        # write, by a statement built once; every LTI launch signs someone in.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(last_login_record, dispatch_uid="update_last_login")
