from django.urls import path

from upstander.web.intelligence.views import person, ranked, records

urlpatterns = [
    path("intelligence/", records.intelligence_list, name="intelligence_list"),
    path("intelligence/new/", records.intelligence_new, name="intelligence_new"),
    path("intelligence/<int:record_id>/", records.intelligence_detail, name="intelligence"),
    path("intelligence/<int:record_id>/action/", records.intelligence_action, name="intelligence_action"),
    path("people/", ranked.ranked_people, name="ranked_people"),
    path("staff/<str:staff_id>/", person.person, name="person"),
    path("staff/<str:staff_id>/contacts/", person.person_contacts, name="person_contacts"),
]
