from django.urls import path

from readings.lists import (
    editor_citation_action_views,
    editor_citation_form_views,
    editor_section_views,
    editor_views,
)

app_name = "editor"
urlpatterns = [
    path("<int:list_id>/edit/", editor_views.edit_list, name="edit"),
    path("<int:list_id>/edit/sections/", editor_section_views.section_add, name="section_add"),
    path(
        "<int:list_id>/edit/sections/<int:section_id>/",
        editor_section_views.section_settings,
        name="section",
    ),
    path(
        "<int:list_id>/edit/sections/<int:section_id>/move/",
        editor_section_views.section_move,
        name="section_move",
    ),
    path(
        "<int:list_id>/edit/sections/<int:section_id>/delete/",
        editor_section_views.section_delete,
        name="section_delete",
    ),
    path("<int:list_id>/edit/add/", editor_citation_form_views.citation_add, name="add"),
    path("<int:list_id>/edit/bulk/", editor_citation_action_views.bulk, name="bulk"),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/",
        editor_citation_form_views.citation_edit,
        name="citation",
    ),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/move/",
        editor_citation_action_views.citation_move,
        name="move",
    ),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/delete/",
        editor_citation_action_views.citation_delete,
        name="delete",
    ),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/duplicate/",
        editor_citation_action_views.citation_duplicate,
        name="duplicate",
    ),
    path(
        "<int:list_id>/edit/citations/<int:citation_id>/copy/",
        editor_citation_action_views.citation_copy,
        name="copy",
    ),
]
