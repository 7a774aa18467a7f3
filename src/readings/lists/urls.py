from django.urls import path

from readings.lists import collaborator_views, manage_views, review_views, views

app_name = "lists"
urlpatterns = [
    path("<int:list_id>/", views.list_detail, name="detail"),
    path("new/", manage_views.list_new, name="new"),
    path("<int:list_id>/settings/", manage_views.list_settings, name="settings"),
    path("<int:list_id>/syllabus/", manage_views.syllabus_download, name="syllabus"),
    path("<int:list_id>/publication/", manage_views.list_publication, name="publication"),
    path("<int:list_id>/send-to-library/", manage_views.list_library, name="send_to_library"),
    path("<int:list_id>/review/", review_views.list_review, name="review"),
    path("<int:list_id>/delete/", manage_views.list_delete_page, name="delete"),
    path("<int:list_id>/collaborators/", collaborator_views.collaborators, name="collaborators"),
    path(
        "<int:list_id>/collaborators/search/",
        collaborator_views.collaborator_search,
        name="collaborator_search",
    ),
    path(
        "<int:list_id>/collaborators/add/",
        collaborator_views.collaborator_add,
        name="collaborator_add",
    ),
    path(
        "<int:list_id>/collaborators/<int:user_id>/role/",
        collaborator_views.collaborator_role,
        name="collaborator_role",
    ),
    path(
        "<int:list_id>/collaborators/<int:user_id>/remove/",
        collaborator_views.collaborator_remove,
        name="collaborator_remove",
    ),
    path("<int:list_id>/invitations/", collaborator_views.invitation_new, name="invitation_new"),
    path(
        "<int:list_id>/invitations/<int:invitation_id>/withdraw/",
        collaborator_views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<str:token>/", collaborator_views.invitation_open, name="invitation"),
]
