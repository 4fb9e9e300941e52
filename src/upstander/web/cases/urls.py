from django.urls import path

from upstander.web.cases import views

urlpatterns = [
    path("cases/", views.case_list, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/update/", views.case_update, name="case_update"),
    path("cases/<int:case_id>/move/", views.case_move, name="case_move"),
    path("cases/<int:case_id>/engagement/", views.case_engagement, name="case_engagement"),
    path("cases/<int:case_id>/assign/", views.case_assign, name="case_assign"),
]
