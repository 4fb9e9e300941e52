from django.urls import path

from upstander.web.prevention import views

urlpatterns = [
    path("declarations/", views.my_declarations, name="my_declarations"),
    path("vetting/", views.vetting_dashboard, name="vetting"),
    path("vetting/declarations/<int:declaration_id>/", views.declaration_detail, name="declaration"),
]
