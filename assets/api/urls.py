"""API routes of the assets app."""

urlpatterns = []
