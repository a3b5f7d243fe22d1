"""The demo provider's routes: OIDC under /o/ (the issuer is http://<host>:<port>/o),
and the sign-in page the authorisation endpoint sends users to."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from isms.sso.demo.oidc_provider import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # Before the toolkit's own routes, so that this one answers /o/token/.
    path("o/token/", views.TokenView.as_view(), name="token"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
