from django.urls import path

from readings.lists import views

app_name = "lists"
urlpatterns = [
    path("<int:list_id>/", views.list_detail, name="detail"),
]
