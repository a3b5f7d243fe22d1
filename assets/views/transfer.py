"""Import (CSV/XLSX, all or nothing) and export of the asset inventory."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from assets import importing, services
from assets import permissions as perms
from assets.forms import ImportForm
from isms.views.generic import Export

EXPORT_HEADER = [*importing.COLUMNS, "value_at_stake_usd", "overdue"]


def _export_rows(queryset):
    for asset in queryset.prefetch_related("depends_on").iterator(chunk_size=2000):
        yield [
            asset.ref,
            asset.name,
            asset.description,
            asset.asset_class,
            asset.category,
            asset.value_usd,
            asset.owner.username if asset.owner else "",
            asset.confidentiality,
            asset.integrity,
            asset.availability,
            asset.business_unit,
            asset.location,
            ", ".join(asset.tags or []),
            asset.review_interval_days,
            asset.next_review_date,
            ", ".join(sorted(a.ref for a in asset.depends_on.all())),
            ", ".join(sorted(s.code for s in asset.aws_services.all())),
            asset.value_at_stake_usd,
            asset.overdue,
        ]


# The asset list's export (?export=csv|xlsx), formula-safe and recorded by the list view.
EXPORT = Export(
    title="Asset inventory",
    filename="assets-{date}",
    what="assets",
    permission="assets.export_asset",
    header=EXPORT_HEADER,
    rows=_export_rows,
    formats=("csv", "xlsx"),
    sheet="Assets",
)


def asset_import(request):
    """Upload a CSV or XLSX file; every row is checked and nothing is saved unless all
    rows are valid. Errors list the row numbers as the spreadsheet shows them."""
    if not perms.can_import_assets(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            records = importing.read_table(upload.read(), upload.name)
            result = services.asset_import(records=records, user=request.user)
        except importing.UnreadableFile as exc:
            errors = [str(exc)]
        except services.ImportFailed as exc:
            errors = [f"Row {number}: {message}" for number, message in exc.errors]
        else:
            messages.success(
                request,
                f"Import done: {result['created']} asset(s) created, {result['updated']} updated.",
            )
            return redirect("assets:asset_list")
    return render(
        request,
        "assets/asset_import.html",
        {"form": form, "errors": errors, "columns": importing.COLUMNS},
        status=400 if errors else 200,
    )
