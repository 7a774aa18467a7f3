from django.urls import path

from readings.courses import views

app_name = "courses"
urlpatterns = [
    path("", views.home, name="home"),
    path("courses/", views.course_search_page, name="search"),
    path("courses/<int:course_id>/", views.course_detail, name="detail"),
]
