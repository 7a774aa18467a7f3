from django.urls import path

from readings.readiness import check_views

app_name = "readiness_checks"
urlpatterns = [
    path("checks/run/", check_views.checks_run, name="run"),
    path("checks/courses-verified/", check_views.courses_confirm, name="confirm_courses"),
    path("checks/test-search/", check_views.search_test, name="test_search"),
    path("report.pdf", check_views.report_pdf, name="report_pdf"),
]
