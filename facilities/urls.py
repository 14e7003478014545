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
    path("id-requests/", views.IdRequestList.as_view(), name="id_requests"),
]
