"""Pages of the security checks, included from assets/urls.py under /assets/aws/ in the
"assets" namespace."""

from django.urls import path

from assets.findings import views

urlpatterns = [
    path("posture/", views.estate_posture, name="estate_posture"),
    path("accounts/<int:pk>/posture/", views.account_posture, name="account_posture"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/mute/", views.finding_mute, name="finding_mute"),
    path(
        "findings/<int:pk>/nonconformity/",
        views.finding_raise_nonconformity,
        name="finding_raise_nonconformity",
    ),
    path("findings/<int:pk>/unmute/", views.finding_unmute, name="finding_unmute"),
    path(
        "findings/<int:pk>/scope-triage/", views.finding_scope_triage, name="finding_scope_triage"
    ),
    path("checks/", views.check_list, name="check_list"),
]
