from django.contrib import admin
from django.urls import include, path

from readings.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("readings.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("lists/", include("readings.lists.urls")),
    path("lists/", include("readings.lists.editor_urls")),
    path("lists/", include("readings.citations.import_urls")),
    path("lists/", include("readings.citations.export_urls")),
    path("engagement/", include("readings.engagement.urls")),
    path("readiness/", include("readings.readiness.urls")),
    path("readiness/", include("readings.readiness.check_urls")),
    path("loads/", include("readings.loaders.urls")),
    path("lti/", include("readings.lti.urls")),
    path("discovery/", include("readings.discovery.urls")),
    path("", include("readings.courses.urls")),
]

handler400 = "readings.core.views.bad_request"
handler403 = "readings.core.views.permission_denied"
handler404 = "readings.core.views.page_not_found"
handler500 = "readings.core.views.server_error"
