from django.urls import path

from upstander.web.triage import views

urlpatterns = [
    path("", views.home, name="home"),
    path("alerts/", views.queue, name="queue"),
    path("alerts/stats/", views.detector_stats, name="detector_stats"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/assign/", views.assign, name="assign"),
    path("alerts/<int:alert_id>/dispose/", views.dispose, name="dispose"),
]
