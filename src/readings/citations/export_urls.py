from django.urls import path

from readings.citations import export_views

app_name = "exports"
urlpatterns = [
    path("<int:list_id>/export/", export_views.export_page, name="export"),
    path("<int:list_id>/export/<slug:fmt>/", export_views.export_download, name="download"),
]
