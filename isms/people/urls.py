"""Pages of people (namespace "people")."""

from django.urls import path

from isms.context import editing
from isms.people import views

app_name = "people"


def _editor(prefix: str, name: str, editor) -> list:
    """The "new" and "edit" pages of one kind of record."""
    return [
        path(f"{prefix}/new/", editing.edit, {"editor": editor}, name=f"{name}_add"),
        path(f"{prefix}/<int:pk>/edit/", editing.edit, {"editor": editor}, name=f"{name}_edit"),
    ]


urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("roles/", views.role_list, name="role_list"),
    path("competence/", views.competence_record_list, name="competence_record_list"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    *_editor("person", "person", views.PERSON),
    *_editor("roles", "role", views.ROLE),
    *_editor("competences", "competence", views.COMPETENCE),
    *_editor("competence", "competence_record", views.RECORD),
    *_editor("campaigns", "campaign", views.CAMPAIGN),
]
