"""Pages of people (namespace "people")."""

from django.urls import path

from isms.people import views

app_name = "people"
urlpatterns = [
    path("competence/", views.competence_record_list, name="competence_record_list"),
]
