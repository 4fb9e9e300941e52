from django.urls import path

from upstander.web.products import views

urlpatterns = [
    path("oversight/", views.oversight, name="oversight"),
]
