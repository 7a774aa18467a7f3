from django.urls import path

from readings.discovery import views

app_name = "discovery"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("cited/", views.cited_page, name="cited"),
    path("cited.json", views.cited_json, name="cited-json"),
    path("lists/<int:list_id>/add/", views.add_to_list, name="add"),
]
