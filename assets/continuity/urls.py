"""Pages of business continuity (namespace "continuity", under /continuity/)."""

from django.urls import path

from assets.continuity import views

app_name = "continuity"
urlpatterns = [
    path("bia/", views.bia_list, name="bia_list"),
    path("bia/gaps/", views.gap_list, name="gap_list"),
    path("bia/<int:asset_id>/", views.bia_detail, name="bia_detail"),
    path("bia/<int:asset_id>/edit/", views.bia_edit, name="bia_edit"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/exercises/", views.exercise_create, name="exercise_create"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
]
