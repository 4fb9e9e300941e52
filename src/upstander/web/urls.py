"""Every address of the application: sign-in here, each domain's own in its app's `urls`."""

from django.urls import include, path

from upstander.web.views import auth, sign_in_locks, sso

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("login/second-factor/", auth.second_factor, name="second_factor"),
    path("login/sso/", sso.sso_start, name="sso_start"),
    path("login/sso/callback/", sso.sso_callback, name="sso_callback"),
    path("logout/", auth.logout_view, name="logout"),
    path("sign-in-locks/", sign_in_locks.sign_in_locks, name="sign_in_locks"),
    path("sign-in-locks/clear/", sign_in_locks.clear_sign_in_lock, name="clear_sign_in_lock"),
    path("", include("upstander.web.triage.urls")),
    path("", include("upstander.web.intelligence.urls")),
    path("", include("upstander.web.cases.urls")),
    path("", include("upstander.web.prevention.urls")),
    path("", include("upstander.web.products.urls")),
    path("", include("upstander.web.portal.urls")),
]
