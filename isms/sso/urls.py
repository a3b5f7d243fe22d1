"""Single sign-on routes, under /sso/."""

from django.urls import path

from isms.sso import views

urlpatterns = [
    path("sso/oidc/login/", views.oidc_start, name="sso_oidc_login"),
    path("sso/oidc/callback/", views.oidc_callback, name="sso_oidc_callback"),
    path("sso/logout/", views.sso_logout, name="sso_logout"),
]
