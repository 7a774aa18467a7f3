from django.urls import path

from readings.lti import simulator_views, views

app_name = "lti"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("launch/", views.launch, name="launch"),
    # Deep-linking requests arrive at their own URL so LMS forms have one per message type.
    path("launch/deep-linking/", views.launch, name="deep_linking"),
    path("jwks/", views.jwks, name="jwks"),
    path("config/", views.config_page, name="config"),
    path("config.json", views.config_json, name="config_json"),
    path("register/", views.dynamic_registration, name="dynamic_registration"),
    path("continue/<str:token>/", views.handoff, name="handoff"),
    path("check/<str:token>/", views.check, name="check"),
    path("deep-linking/<str:reference>/", views.deep_linking_pick, name="deep_linking_pick"),
    path("course/<int:course_id>/", views.course_landing, name="course"),
    path("context/<int:context_id>/", views.context_landing, name="context"),
    # Development and demo only (off in production): an LMS that performs real launches.
    path("simulator/", simulator_views.simulator, name="simulator"),
    path("simulator/auth/", simulator_views.simulator_auth, name="simulator_auth"),
    path(
        "simulator/deep-links/", simulator_views.simulator_deep_links, name="simulator_deep_links"
    ),
]
