"""API routes of the governance core."""

from django.urls import path

from isms.api import views

urlpatterns = [
    path("", views.api_root, name="api-root"),
    path("me/", views.MeView.as_view(), name="api-me"),
]
