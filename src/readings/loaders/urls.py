from django.urls import path

from readings.loaders import views

app_name = "loaders"
urlpatterns = [
    path("", views.load_history, name="history"),
    path("new/", views.load_new, name="new"),
    path("<int:load_id>/", views.load_detail, name="detail"),
    path("<int:load_id>/progress.json", views.load_progress, name="progress"),
    path("<int:load_id>/report.csv", views.load_report_csv, name="report_csv"),
    path("<int:load_id>/report.json", views.load_report_json, name="report_json"),
]
