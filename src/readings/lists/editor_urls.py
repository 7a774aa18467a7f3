from django.urls import path

from readings.lists import editor_views as views

app_name = "editor"
urlpatterns = [
    path("<int:list_id>/edit/", views.edit_list, name="edit"),
    path("<int:list_id>/edit/sections/", views.section_add, name="section_add"),
    path(
        "<int:list_id>/edit/sections/<int:section_id>/",
        views.section_settings,
        name="section",
    ),
    path(
        "<int:list_id>/edit/sections/<int:section_id>/move/",
        views.section_move,
        name="section_move",
    ),
    path(
        "<int:list_id>/edit/sections/<int:section_id>/delete/",
        views.section_delete,
        name="section_delete",
    ),
    path("<int:list_id>/edit/add/", views.citation_add, name="add"),
    path("<int:list_id>/edit/bulk/", views.bulk, name="bulk"),
    path("<int:list_id>/edit/citations/<int:citation_id>/", views.citation_edit, name="citation"),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/move/",
        views.citation_move,
        name="move",
    ),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/delete/",
        views.citation_delete,
        name="delete",
    ),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/duplicate/",
        views.citation_duplicate,
        name="duplicate",
    ),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/copy/",
        views.citation_copy,
        name="copy",
    ),
]
