"""Single sign-on routes, under /sso/."""

from django.urls import path

from isms.sso import views

urlpatterns = [
    path("sso/oidc/login/", views.oidc_start, name="sso_oidc_login"),
    path("sso/oidc/callback/", views.oidc_callback, name="sso_oidc_callback"),
    path("sso/saml/login/", views.saml_start, name="sso_saml_login"),
    path("sso/saml/acs/", views.saml_acs, name="sso_saml_acs"),
    path("sso/saml/metadata/", views.saml_metadata, name="sso_saml_metadata"),
    path("sso/saml/sls/", views.saml_sls, name="sso_saml_sls"),
    path("sso/logout/", views.sso_logout, name="sso_logout"),
    path("sso/confirmation-code/", views.confirmation_code, name="sso_confirmation_code"),
]
