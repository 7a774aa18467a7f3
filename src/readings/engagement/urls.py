from django.urls import path

from readings.engagement import views

app_name = "engagement"
urlpatterns = [
    path("lists/<int:list_id>/state", views.list_state, name="list_state"),
    path("lists/<int:list_id>/discussion/", views.list_discussion, name="list_discussion"),
    path("citations/<int:citation_id>/done", views.citation_done, name="done"),
    path("citations/<int:citation_id>/like", views.citation_like, name="like"),
    path("citations/<int:citation_id>/note/", views.citation_note, name="note"),
    path(
        "citations/<int:citation_id>/discussion/",
        views.citation_discussion,
        name="citation_discussion",
    ),
    path("discussions/<int:discussion_id>/close", views.discussion_close, name="discussion_close"),
    path("comments/<int:comment_id>/hide", views.comment_hide, name="comment_hide"),
    path("comments/<int:comment_id>/delete", views.comment_delete, name="comment_delete"),
]
