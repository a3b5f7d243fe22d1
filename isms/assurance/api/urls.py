"""API routes of control assurance, registered on the core's router (isms/api/urls.py)."""

from isms.assurance.api import views

ROUTES = [
    ("control-tests", views.ControlTestViewSet, "controltest"),
    ("control-test-results", views.ControlTestResultViewSet, "controltestresult"),
    ("evidence", views.EvidenceViewSet, "evidence"),
]
