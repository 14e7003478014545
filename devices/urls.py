from django.urls import path

from devices import views

app_name = "devices"

urlpatterns = [
    path("f/<int:facility>/devices/", views.DeviceList.as_view(), name="device_list"),
    path("f/<int:facility>/devices/add/", views.DeviceAdd.as_view(), name="device_add"),
    path("f/<int:facility>/devices/<int:pk>/", views.DeviceEdit.as_view(), name="device_edit"),
    path(
        "f/<int:facility>/devices/<int:pk>/retire/",
        views.DeviceRetire.as_view(),
        name="device_retire",
    ),
    path(
        "f/<int:facility>/devices/<int:pk>/recover/",
        views.DeviceRecover.as_view(),
        name="device_recover",
    ),
    path("f/<int:facility>/carry-outs/", views.CarryOutList.as_view(), name="carry_out_list"),
    path(
        "f/<int:facility>/carry-outs/<int:pk>/acknowledge/",
        views.CarryOutAcknowledge.as_view(),
        name="carry_out_acknowledge",
    ),
    path(
        "f/<int:facility>/carry-outs/<int:pk>/return/",
        views.CarryOutReturn.as_view(),
        name="carry_out_return",
    ),
    path("f/<int:facility>/incidents/", views.IncidentList.as_view(), name="incident_list"),
    path(
        "f/<int:facility>/incidents/<int:pk>/actions/",
        views.IncidentActions.as_view(),
        name="incident_actions",
    ),
    path(
        "f/<int:facility>/incidents/<int:pk>/close/",
        views.IncidentClose.as_view(),
        name="incident_close",
    ),
    path(
        "f/<int:facility>/incidents/<int:pk>/",
        views.IncidentDetail.as_view(),
        name="incident_detail",
    ),
    path("me/devices/", views.MyDevices.as_view(), name="my_devices"),
    path("me/carry-outs/", views.MyCarryOuts.as_view(), name="my_carry_outs"),
    path("me/carry-outs/add/", views.CarryOutFile.as_view(), name="carry_out_file"),
    path(
        "me/carry-outs/<int:pk>/return/",
        views.MyCarryOutReturn.as_view(),
        name="my_carry_out_return",
    ),
    path("me/incidents/", views.MyIncidents.as_view(), name="my_incidents"),
    path("me/incidents/add/", views.IncidentReport.as_view(), name="incident_report"),
]
