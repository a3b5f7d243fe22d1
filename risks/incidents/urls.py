"""Pages of the incident register (namespace "incidents", under /incidents/)."""

from django.urls import path

from risks.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("report/", views.incident_report, name="incident_report"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("<int:pk>/entries/", views.entry_add, name="entry_add"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/notifications/", views.notification_add, name="notification_add"),
    path(
        "<int:pk>/notifications/<int:notification_id>/sent/",
        views.notification_sent,
        name="notification_sent",
    ),
    path("<int:pk>/close/", views.incident_close, name="incident_close"),
    path("<int:pk>/follow-up/", views.incident_follow_up, name="incident_follow_up"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
]
