from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "readings.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_finished, request_started

        from readings.accounts.backends import read_along_begin, read_along_forget
        from readings.accounts.signals import last_login_record

        # In place of django.contrib.auth's receiver (same dispatch id): the same
        # write, by a statement built once; every LTI launch signs someone in.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(last_login_record, dispatch_uid="update_last_login")
        # The person read with the session is handed over within one request only.
        request_started.connect(read_along_begin, dispatch_uid="readings_read_along_begin")
        request_finished.connect(read_along_forget, dispatch_uid="readings_read_along_forget")
