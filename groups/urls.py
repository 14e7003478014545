from django.urls import path

from groups import designation_views as designations
from groups import signing_views as signing
from groups import views
from groups import workflow_views as workflows

app_name = "groups"

urlpatterns = [
    path("f/<int:facility>/groups/", views.GroupList.as_view(), name="group_list"),
    path("f/<int:facility>/groups/add/", views.GroupAdd.as_view(), name="group_add"),
    path(
        "f/<int:facility>/invitations/",
        views.StaffInvitations.as_view(),
        name="staff_invitations",
    ),
    path(
        "f/<int:facility>/invitations/<int:pk>/approve/",
        views.InvitationApprove.as_view(),
        name="invitation_approve",
    ),
    path(
        "f/<int:facility>/invitations/<int:pk>/cancel/",
        views.InvitationCancel.as_view(),
        name="invitation_cancel",
    ),
    path("groups/<int:group>/", views.GroupDetail.as_view(), name="group_detail"),
    path("groups/<int:group>/invite/", views.GroupInvite.as_view(), name="group_invite"),
    path(
        "groups/<int:group>/assembly/", views.AssemblyRequestAdd.as_view(), name="assembly_request"
    ),
    path("groups/<int:group>/consent/", views.GroupConsent.as_view(), name="group_consent"),
    path("groups/<int:group>/consent/sign/", signing.ConsentSign.as_view(), name="consent_sign"),
    path(
        "groups/<int:group>/consent/signed/",
        signing.ConsentSigned.as_view(),
        name="consent_signed",
    ),
    path(
        "groups/<int:group>/consent/signed/form4.pdf",
        signing.ConsentSignedCopy.as_view(),
        name="consent_signed_copy",
    ),
    path(
        "groups/<int:group>/consents/<int:pk>/form4.pdf",
        views.ConsentPrint.as_view(),
        name="consent_print",
    ),
    path(
        "groups/<int:group>/members/<int:pk>/remove/",
        views.MemberRemove.as_view(),
        name="member_remove",
    ),
    path(
        "groups/<int:group>/members/<int:pk>/role/",
        views.MemberRole.as_view(),
        name="member_role",
    ),
    path("groups/<int:group>/archive/", views.GroupArchive.as_view(), name="group_archive"),
    path("me/invitations/", views.MyInvitations.as_view(), name="my_invitations"),
    path(
        "me/invitations/<int:pk>/accept/",
        views.InvitationAccept.as_view(),
        name="invitation_accept",
    ),
    path(
        "me/invitations/<int:pk>/decline/",
        views.InvitationDecline.as_view(),
        name="invitation_decline",
    ),
    path("me/groups/", views.MyGroups.as_view(), name="my_groups"),
    path("groups/<int:group>/review/", workflows.GroupReview.as_view(), name="group_review"),
    path(
        "groups/<int:group>/review/members/<int:pk>/",
        workflows.ReviewDecide.as_view(),
        name="review_decide",
    ),
    path(
        "groups/<int:group>/review/complete/",
        workflows.ReviewComplete.as_view(),
        name="review_complete",
    ),
    path("groups/<int:group>/transfer/", workflows.GroupTransfer.as_view(), name="group_transfer"),
    path(
        "groups/<int:group>/transfer/cancel/",
        workflows.TransferCancel.as_view(),
        name="transfer_cancel",
    ),
    path("groups/<int:group>/reopen/", workflows.GroupReopen.as_view(), name="group_reopen"),
    path(
        "groups/<int:group>/consent/withdraw/",
        workflows.ConsentWithdraw.as_view(),
        name="consent_withdraw",
    ),
    path("f/<int:facility>/transfers/", workflows.Transfers.as_view(), name="transfers"),
    path(
        "f/<int:facility>/transfers/<int:pk>/approve/",
        workflows.TransferApprove.as_view(),
        name="transfer_approve",
    ),
    path(
        "f/<int:facility>/transfers/<int:pk>/refuse/",
        workflows.TransferRefuse.as_view(),
        name="transfer_refuse",
    ),
    path(
        "groups/<int:group>/designations/",
        designations.GroupDesignations.as_view(),
        name="designations",
    ),
    path(
        "groups/<int:group>/designations/<int:pk>/end/",
        designations.GroupDesignationEnd.as_view(),
        name="designation_end",
    ),
    path(
        "me/attended-groups/<int:group>/designations/",
        designations.AttendedDesignations.as_view(),
        name="attended_designations",
    ),
    path(
        "me/attended-groups/<int:group>/designations/<int:pk>/end/",
        designations.AttendedDesignationEnd.as_view(),
        name="attended_designation_end",
    ),
    path("me/groups/<int:pk>/leave/", workflows.MyGroupLeave.as_view(), name="my_group_leave"),
    path("me/attended-groups/", workflows.AttendedGroups.as_view(), name="attended_groups"),
    path(
        "me/attended-groups/<int:group>/assembly/",
        workflows.AttendedAssemblyRequestAdd.as_view(),
        name="attended_assembly_request",
    ),
    path(
        "me/attended-groups/members/<int:pk>/remove/",
        workflows.LeakRemove.as_view(),
        name="leak_remove",
    ),
]
