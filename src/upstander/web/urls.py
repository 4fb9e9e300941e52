from django.urls import path

from upstander.web.views import auth, cases, declarations, intelligence, oversight, person, triage

urlpatterns = [
    path("", triage.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/second-factor/", auth.second_factor, name="second_factor"),
    path("logout/", auth.logout_view, name="logout"),
    path("alerts/", triage.queue, name="queue"),
    path("alerts/stats/", triage.detector_stats, name="detector_stats"),
    path("alerts/<int:alert_id>/", triage.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/assign/", triage.assign, name="assign"),
    path("alerts/<int:alert_id>/dispose/", triage.dispose, name="dispose"),
    path("intelligence/", intelligence.intelligence_list, name="intelligence_list"),
    path("intelligence/new/", intelligence.intelligence_new, name="intelligence_new"),
    path("intelligence/<int:record_id>/", intelligence.intelligence_detail, name="intelligence"),
    path("intelligence/<int:record_id>/action/", intelligence.intelligence_action, name="intelligence_action"),
    path("staff/<str:staff_id>/", person.person, name="person"),
    path("staff/<str:staff_id>/contacts/", person.person_contacts, name="person_contacts"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:case_id>/", cases.case_detail, name="case"),
    path("cases/<int:case_id>/update/", cases.case_update, name="case_update"),
    path("cases/<int:case_id>/move/", cases.case_move, name="case_move"),
    path("cases/<int:case_id>/engagement/", cases.case_engagement, name="case_engagement"),
    path("cases/<int:case_id>/assign/", cases.case_assign, name="case_assign"),
    path("declarations/", declarations.my_declarations, name="my_declarations"),
    path("vetting/", declarations.vetting_dashboard, name="vetting"),
    path("vetting/declarations/<int:declaration_id>/", declarations.declaration_detail, name="declaration"),
    path("oversight/", oversight.oversight, name="oversight"),
]
