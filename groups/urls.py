from django.urls import path

from groups import views

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
    path("groups/<int:group>/consent/", views.GroupConsent.as_view(), name="group_consent"),
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
]
