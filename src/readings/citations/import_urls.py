from django.urls import path

from readings.citations import import_views

app_name = "imports"
urlpatterns = [
    path("<int:list_id>/identify/", import_views.identify, name="identify"),
    path("<int:list_id>/import/", import_views.upload, name="upload"),
    path("<int:list_id>/import/<slug:token>/", import_views.preview, name="preview"),
    path("<int:list_id>/import/<slug:token>/done/", import_views.done, name="done"),
]
