"""Pages of the assets app (namespace "assets"). The AWS connector adds its pages with
one `path("aws/", include("assets.aws.urls"))` line."""

from django.urls import include, path

from assets.views import inventory, responsibility, transfer

app_name = "assets"
urlpatterns = [
    path("", inventory.asset_list, name="asset_list"),
    path("new/", inventory.asset_create, name="asset_create"),
    path("new/validate/", inventory.asset_validate, name="asset_validate"),
    path("import/", transfer.asset_import, name="asset_import"),
    path("bulk-edit/", inventory.asset_bulk_edit, name="asset_bulk_edit"),
    path(
        "shared-responsibility/",
        responsibility.shared_responsibility,
        name="shared_responsibility",
    ),
    path("<int:pk>/", inventory.asset_detail, name="asset_detail"),
    path("<int:pk>/edit/", inventory.asset_edit, name="asset_edit"),
    path("<int:pk>/edit/validate/", inventory.asset_validate, name="asset_validate_edit"),
    path("<int:pk>/delete/", inventory.asset_delete, name="asset_delete"),
    path("<int:pk>/review/", inventory.asset_review, name="asset_review"),
    path(
        "<int:pk>/dependencies/add/",
        inventory.asset_dependency_add,
        name="asset_dependency_add",
    ),
    path(
        "<int:pk>/dependencies/<int:dependency_pk>/remove/",
        inventory.asset_dependency_remove,
        name="asset_dependency_remove",
    ),
    path("aws/", include("assets.aws.urls")),
    path("aws/", include("assets.findings.urls")),
]
