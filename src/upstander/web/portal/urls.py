from django.urls import path

from upstander.web.portal.views import reporter, reports, reveals

urlpatterns = [
    # The confidential reporting portal: no sign-in.
    path("report/", reporter.start, name="portal"),
    path("report/follow-up/", reporter.follow_up, name="portal_follow_up"),
    path("report/follow-up/report/", reporter.my_report, name="portal_report"),
    path("report/exit/", reporter.quick_exit, name="quick_exit"),
    path("report/<str:route>/", reporter.report_form, name="portal_form"),
    # The unit's side of reports.
    path("reports/", reports.report_list, name="reports"),
    path("reports/<int:report_id>/", reports.report_detail, name="report"),
    path("reports/<int:report_id>/reply/", reports.report_reply, name="report_reply"),
    path("reports/<int:report_id>/update/", reports.report_update, name="report_update"),
    path("reports/<int:report_id>/triage/", reports.report_triage, name="report_triage"),
    path("reports/<int:report_id>/assign/", reports.report_assign, name="report_assign"),
    path("reports/<int:report_id>/reveal/", reveals.report_reveal, name="report_reveal"),
    path("reports/<int:report_id>/reveal/<int:reveal_id>/show/", reveals.reveal_show, name="reveal_show"),
    path("reports/reveals/", reveals.reveal_requests, name="reveal_requests"),
    path("reports/reveals/<int:reveal_id>/decide/", reveals.reveal_decide, name="reveal_decide"),
    path("reports/<int:report_id>/attachments/<int:attachment_id>/", reports.report_attachment,
         name="report_attachment"),
]
