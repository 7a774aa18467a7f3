from django.urls import path

from readings.readiness import views

app_name = "readiness"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("go-live/", views.plan_set_go_live, name="go_live"),
    path("plan.ics", views.plan_ics, name="ics"),
    path("plan.csv", views.plan_csv_download, name="csv"),
    path("tasks/new/", views.task_add, name="task_add"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/status/", views.task_set_status, name="task_status"),
    path("team/", views.team_page, name="team"),
    path("team/<int:member_id>/remove/", views.team_member_remove, name="team_remove"),
    path("log/", views.log_page, name="log"),
    path("log/<int:entry_id>/", views.log_entry_edit, name="log_edit"),
    path("log/<int:entry_id>/delete/", views.log_entry_delete, name="log_delete"),
]
