"""Admin of the asset inventory, read-only: assets change only through the services
(pages, API, import), which keep value at stake and the audit trail right."""

from django.contrib import admin

from assets.models import Asset, AssetDependency, AwsService
from isms.admin import ReadOnlyAdmin


class DependencyInline(admin.TabularInline):
    model = AssetDependency
    fk_name = "dependent"
    fields = ("dependency",)
    readonly_fields = ("dependency",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    list_display = (
        "ref",
        "name",
        "asset_class",
        "category",
        "owner",
        "value_usd",
        "value_at_stake_usd",
        "next_review_date",
    )
    list_filter = ("asset_class", "category", "business_unit", "aws_services")
    search_fields = ("ref", "name", "description", "business_unit", "location")
    list_select_related = ("owner",)
    inlines = [DependencyInline]


@admin.register(AssetDependency)
class AssetDependencyAdmin(ReadOnlyAdmin):
    list_display = ("dependent", "dependency", "created_at")
    list_select_related = ("dependent", "dependency")
    search_fields = ("dependent__ref", "dependent__name", "dependency__ref", "dependency__name")
    list_filter = ("dependency__asset_class",)


@admin.register(AwsService)
class AwsServiceAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "layer")
    list_filter = ("layer",)
    search_fields = ("code", "name", "description")


from assets.aws import admin as aws_admin  # noqa: E402, F401 - registers the AWS connector's models
from assets.findings import admin as findings_admin  # noqa: E402, F401 - registers the findings
