from django.urls import path

from facilities import views

app_name = "facility"

urlpatterns = [
    path("", views.Dashboard.as_view(), name="dashboard"),
    path("staff/", views.StaffList.as_view(), name="staff_list"),
    path("staff/add/", views.StaffAdd.as_view(), name="staff_add"),
    path("staff/<int:pk>/", views.StaffDetail.as_view(), name="staff_detail"),
    path("staff/<int:pk>/edit/", views.StaffEdit.as_view(), name="staff_edit"),
    path("staff/<int:pk>/leave/", views.StaffLeave.as_view(), name="staff_leave"),
    path("staff/<int:pk>/request/", views.StaffRequest.as_view(), name="staff_request"),
    path("staff/<int:pk>/restrict/", views.StaffRestrict.as_view(), name="staff_restrict"),
    path("staff/<int:pk>/reinstate/", views.StaffReinstate.as_view(), name="staff_reinstate"),
    path("id-requests/", views.IdRequestList.as_view(), name="id_requests"),
    path("id-requests/<int:pk>/step/", views.IdRequestStep.as_view(), name="id_request_step"),
    path("id-requests/<int:pk>/notice.pdf", views.IdNotice.as_view(), name="id_notice"),
    path(
        "applications/<int:pk>/form1.pdf",
        views.ApplicationPrint.as_view(),
        name="application_print",
    ),
    path("roster-review/", views.RosterReviewPage.as_view(), name="roster_review"),
    path(
        "roster-review/entries/<int:pk>/",
        views.RosterEntryConfirm.as_view(),
        name="roster_entry_confirm",
    ),
    path("staff/roster.<str:fmt>", views.RosterDownload.as_view(), name="roster_download"),
    path("consultations/", views.Consultations.as_view(), name="consultations"),
    path("consultations/add/", views.ConsultationAdd.as_view(), name="consultation_add"),
    path("leaves/", views.Leaves.as_view(), name="leaves"),
    path("leaves/items/<int:pk>/", views.LeaveItemClose.as_view(), name="leave_item_close"),
    path("leaves/<int:pk>/reminder/", views.LeaveReminder.as_view(), name="leave_reminder"),
]
