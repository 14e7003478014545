from django.urls import include, path

from pledges import views

app_name = "pledges"

# the facility's pages, under its number
facility = [
    path("pledges/", views.Pledges.as_view(), name="pledges"),
    path("training/", views.Training.as_view(), name="training"),
    path(
        "pledges/facility/<int:pk>/form2.pdf",
        views.FacilityPledgePrint.as_view(),
        name="facility_pledge_print",
    ),
    path(
        "pledges/staff/<int:pk>/form3.pdf",
        views.StaffPledgePrint.as_view(),
        name="staff_pledge_print",
    ),
    path(
        "pledges/staff/<int:pk>/sign/",
        views.StaffPledgeSign.as_view(),
        name="staff_pledge_sign",
    ),
    path(
        "staff/<int:pk>/prepare-pledge/",
        views.StaffPledgePrepare.as_view(),
        name="staff_pledge_prepare",
    ),
    path(
        "staff/<int:pk>/pledge-exemption/",
        views.StaffPledgeExempt.as_view(),
        name="staff_pledge_exempt",
    ),
    path("training/add/", views.TrainingAdd.as_view(), name="training_add"),
    path("training/<int:pk>/edit/", views.TrainingEdit.as_view(), name="training_edit"),
    path("manager/", views.ManagerChange.as_view(), name="manager_change"),
]

urlpatterns = [
    path("f/<int:facility>/", include(facility)),
    # an ID holder's own pledge, signed on the screen under their own login
    path("me/pledge/sign/", views.MyPledgeSign.as_view(), name="my_pledge_sign"),
    path("me/pledge/signed.pdf", views.MyPledgeSigned.as_view(), name="my_pledge_signed"),
]
