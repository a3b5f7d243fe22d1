"""API routes of the risks app."""

urlpatterns = []
