from django.urls import path

from upstander.web.views import auth, triage

urlpatterns = [
    path("", triage.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("alerts/", triage.queue, name="queue"),
    path("alerts/stats/", triage.detector_stats, name="detector_stats"),
    path("alerts/<int:alert_id>/", triage.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/assign/", triage.assign, name="assign"),
    path("alerts/<int:alert_id>/dispose/", triage.dispose, name="dispose"),
]
