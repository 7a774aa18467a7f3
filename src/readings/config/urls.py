from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("readings.accounts.urls")),
    path("lists/", include("readings.lists.urls")),
    path("", include("readings.courses.urls")),
]
