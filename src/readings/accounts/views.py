"""Sign in and out with Django's views, made safe for any ``next`` address."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from django.contrib.auth import views as auth_views


class SafeNextMixin:
    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        # Control characters cannot go in a Location header (Django would raise),
        # and a next address naming this page would redirect in a loop.
        if any(unicodedata.category(ch).startswith("C") for ch in url):
            return ""
        if url and urlsplit(url).path == self.request.path:
            return ""
        return url


class SignInView(SafeNextMixin, auth_views.LoginView):
    redirect_authenticated_user = True


class SignOutView(SafeNextMixin, auth_views.LogoutView):
    pass
