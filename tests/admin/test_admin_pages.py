"""Every admin page opens for a superuser, for every registered model."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

# The apps whose admin this project keeps together; others register their own.
CORE_APPS = {"institutions", "accounts", "courses", "lists", "citations"}


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_core_model_is_in_the_admin():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in CORE_APPS and model not in admin.site._registry
    ]
    assert missing == []


def test_every_registered_model_has_working_list_add_and_change_pages(
    admin_client, superuser, library
):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    problems = []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda i: str(i[0])):
        pages = [_url(model, "changelist"), _url(model, "changelist") + "?q=zz%00%25&o=99"]
        if model_admin.has_add_permission(request):
            pages.append(_url(model, "add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages += [_url(model, view, first.pk) for view in ("change", "delete", "history")]
        elif model._meta.app_label in CORE_APPS:
            problems.append(f"{model._meta.label}: the fixture made no row to open")
        for page in pages:
            status = admin_client.get(page).status_code
            if status != 200:
                problems.append(f"{page} -> {status}")
    assert problems == []
