"""Pages of the AWS connector, included from assets/urls.py under /assets/aws/ in the
"assets" namespace (assets:aws_account_list...)."""

from django.urls import path

from assets.aws import views

urlpatterns = [
    path("", views.account_list, name="aws_account_list"),
    path("accounts/new/", views.account_create, name="aws_account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="aws_account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="aws_account_edit"),
    path("accounts/<int:pk>/test/", views.account_test, name="aws_account_test"),
    path("accounts/<int:pk>/sync/", views.account_sync, name="aws_account_sync"),
    path("accounts/<int:pk>/template/", views.account_template, name="aws_account_template"),
    path("strategy/", views.account_strategy, name="aws_account_strategy"),
    path("organizations/new/", views.organization_create, name="aws_organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="aws_organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="aws_organization_edit"),
    path("organizations/<int:pk>/sync/", views.organization_sync, name="aws_organization_sync"),
    path(
        "organizations/<int:pk>/template/",
        views.organization_template,
        name="aws_organization_template",
    ),
    path("syncs/", views.sync_run_list, name="aws_sync_run_list"),
    path("syncs/<int:pk>/", views.sync_run_detail, name="aws_sync_run_detail"),
    path("syncs/<int:pk>/progress/", views.sync_run_progress, name="aws_sync_run_progress"),
    path("resources/", views.resource_list, name="aws_resource_list"),
    path("resources/<int:pk>/", views.resource_detail, name="aws_resource_detail"),
    path("resources/<int:pk>/link/", views.resource_link, name="aws_resource_link"),
    path(
        "resources/<int:pk>/unlink/<int:asset_pk>/",
        views.resource_unlink,
        name="aws_resource_unlink",
    ),
    path("assets/<int:pk>/panel/", views.asset_panel, name="aws_asset_panel"),
    path("assets/<int:pk>/link/", views.asset_link, name="aws_asset_link"),
    path("rules/", views.rule_list, name="aws_rule_list"),
    path("rules/new/", views.rule_create, name="aws_rule_create"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="aws_rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="aws_rule_delete"),
]
