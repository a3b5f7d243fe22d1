"""Pages of the context app (namespace "context")."""

from django.urls import path

from isms.context import views

app_name = "context"
urlpatterns = [
    path("measures/", views.measure_list, name="measure_list"),
    path("objectives/", views.objective_list, name="objective_list"),
]
