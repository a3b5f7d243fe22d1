"""Two-factor and re-authentication pages, under /account/."""

from django.urls import path

from isms.twofactor import views

urlpatterns = [
    path("account/two-factor/", views.overview, name="twofactor"),
    path("account/two-factor/setup/", views.setup, name="twofactor_setup"),
    path("account/two-factor/verify/", views.verify, name="twofactor_verify"),
    path(
        "account/two-factor/recovery-codes/",
        views.recovery_codes,
        name="twofactor_recovery_codes",
    ),
    path("account/two-factor/disable/", views.disable, name="twofactor_disable"),
    path("account/confirm-password/", views.confirm_password, name="reauth"),
]
