"""The risk register (steps 4 and 5): the dense table with inline and bulk edit, import
and export. Thin: validate, call a service, render."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from isms import audit, security_log, uploads
from isms.exports import csv_response, xlsx_response
from isms.models import User
from isms.models.audit import AuditAction
from isms.redirects import safe_next_url
from risks import importing, services
from risks.choices import RiskStatus, TreatmentOption
from risks.filters import RiskFilterSet
from risks.forms import (
    BulkEditForm,
    ImportForm,
    InlineEditForm,
)
from risks.permissions import editable_fields
from risks.selectors import active_version, register_queryset
from risks.templatetags.risks_ui import cell_options

PAGE_SIZES = (25, 50, 100, 200)
MORE_FILTERS = (
    "treatment",
    "residual_level",
    "vulnerability_name",
    "asset_ref",
    "min_ale",
    "max_ale",
    "review_overdue",
    "needs_review_from_findings",
)
FORM_FILTERS = {"q", "status", "owner", "threat_name", "inherent_level", "cols", *MORE_FILTERS}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: str | None = None
    default: bool = True
    numeric: bool = False


COLUMNS = [
    Column("ref", "Ref", "ref"),
    Column("title", "Title", "title"),
    Column("assets", "Assets"),
    Column("threat", "Threat", "threat"),
    Column("vulnerability", "Vulnerability", default=False),
    Column("owner", "Owner", "owner"),
    Column("status", "Status", "status"),
    Column("inherent_likelihood", "L", "inherent_likelihood", numeric=True),
    Column("inherent_impact", "I", "inherent_impact", numeric=True),
    Column("inherent_level", "Level", "inherent_level"),
    Column("value_at_stake", "At stake", "value_at_stake_usd", default=False, numeric=True),
    Column("sle", "SLE", "sle_usd", default=False, numeric=True),
    Column("ale", "ALE", "ale_usd", numeric=True),
    Column("treatment", "Treatment", "treatment"),
    Column("residual_likelihood", "Res. L", default=False, numeric=True),
    Column("residual_impact", "Res. I", default=False, numeric=True),
    Column("residual_level", "Residual", "residual_level"),
    Column("residual_ale", "Residual ALE", "residual_ale_usd", default=False, numeric=True),
    Column("review_date", "Review", "review_date", default=False),
    Column("findings", "Open findings", default=False, numeric=True),
]
COLUMN_KEYS = {c.key for c in COLUMNS}


def cols_query(request) -> str:
    """The column choice as a query string, so inline edits re-render the same columns."""
    if not request.GET.getlist("cols"):
        return ""
    return "&".join(f"cols={c.key}" for c in chosen_columns(request))


def chosen_columns(request) -> list[Column]:
    keys = request.GET.getlist("cols")
    keys = [k for key in keys for k in key.split(",") if k in COLUMN_KEYS]
    if not keys:
        return [c for c in COLUMNS if c.default]
    return [c for c in COLUMNS if c.key in keys or c.key == "ref"]


def _row_context(request, risk, scale, users):
    return {
        "risk": risk,
        "editable": set(editable_fields(request.user, risk)),
        "scale": scale,
        "users": users,
        "cell_options": cell_options(scale, users, RiskStatus.choices, TreatmentOption.choices),
    }


def _users():
    return list(
        User.objects.filter(is_active=True).only("id", "username", "first_name", "last_name")
    )


@uploads.download_rate_limit(when=uploads.exporting)
def risk_list(request):
    """The register: filter by any column, search, sort, choose columns, page; the whole
    state is in the URL. ?export=csv|xlsx downloads the filtered register."""
    version = active_version()
    scale = version.scale if version else None
    filterset = RiskFilterSet(request.GET, queryset=register_queryset(request.user))
    queryset = filterset.qs if filterset.is_valid() else register_queryset(request.user).none()
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        if not request.user.has_perm("risks.export_risk"):
            raise PermissionDenied
        audit.record(
            None, AuditAction.EXPORT, message=f"Risk register {export} ({request.GET.urlencode()})"
        )
        security_log.log_download(request, what="risk-register", fmt=export)
        rows = importing.export_rows(queryset, scale)
        if export == "csv":
            return csv_response("risk-register.csv", importing.EXPORT_COLUMNS, rows)
        return xlsx_response("risk-register.xlsx", "Risk register", importing.EXPORT_COLUMNS, rows)
    try:
        per_page = int(request.GET.get("per_page", 50))
    except ValueError:
        per_page = 50
    per_page = per_page if per_page in PAGE_SIZES else 50
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    columns = chosen_columns(request)
    users = _users()
    options = cell_options(scale, users, RiskStatus.choices, TreatmentOption.choices)
    rows = [{"risk": risk, "editable": set(editable_fields(request.user, risk))} for risk in page]
    return render(
        request,
        "risks/risk_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "current_sort": request.GET.get("sort", ""),
            "columns": columns,
            "cols_query": cols_query(request),
            "column_keys": {c.key for c in columns},
            "all_columns": COLUMNS,
            "scale": scale,
            "version": version,
            "users": users,
            "cell_options": options,
            "statuses": RiskStatus.choices,
            "treatments": TreatmentOption.choices,
            "bulk_form": BulkEditForm() if request.user.has_perm("risks.change_risk") else None,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            "hidden_params": [
                (key, value) for key, values in query.lists() if key != "cols" for value in values
            ],
            # What the filter form does not show itself (sort, cell filters...) is kept.
            "filter_hidden_params": [
                (key, value)
                for key, values in query.lists()
                if key not in FORM_FILTERS
                for value in values
            ],
            "more_filters_open": any(query.get(key) for key in MORE_FILTERS),
        },
    )


@require_POST
def risk_inline(request, pk):
    """htmx: change one cell of a register row; answers with the re-rendered row (level
    colour included). A stale version answers 409 with the row as it now is."""
    risk = get_object_or_404(register_queryset(request.user), pk=pk)
    version = active_version()
    scale = version.scale if version else None
    form = InlineEditForm(request.POST, scale=scale)
    error, status = None, 200
    if not form.is_valid():
        error, status = " ".join(m for ms in form.errors.values() for m in ms), 400
    else:
        field = form.cleaned_data["field"]
        try:
            services.risk_update(
                risk=risk,
                user=request.user,
                data={field: form.cleaned_data["parsed"]},
                expected_version=form.cleaned_data["version"],
            )
        except services.RiskConflict as exc:
            error, status = _conflict_text(exc), 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        except PermissionDenied as exc:
            error, status = str(exc) or "You may not change this.", 403
        risk = register_queryset(request.user).get(pk=pk)
    context = _row_context(request, risk, scale, _users())
    context.update(
        columns=chosen_columns(request),
        cols_query=cols_query(request),
        error=error,
        column_keys={c.key for c in chosen_columns(request)},
        selectable=request.user.has_perm("risks.change_risk"),
    )
    return render(request, "risks/partials/risk_row.html", context, status=status)


def _conflict_text(exc: services.RiskConflict) -> str:
    parts = []
    for change in exc.changes:
        fields = ", ".join(
            f"{name} {values[0]!s} → {values[1]!s}" for name, values in change["fields"].items()
        )
        parts.append(f"{change['actor']}: {fields}")
    detail = "; ".join(parts)
    return (
        f"{exc.risk.ref} changed since you loaded it ({detail}). Your edit was not saved."
        if detail
        else str(exc)
    )


@require_POST
def risk_bulk(request):
    """Apply one change (status, owner, treatment, review date) to the ticked risks."""
    if not request.user.has_perm("risks.change_risk"):
        raise PermissionDenied
    form = BulkEditForm(request.POST)
    back = safe_next_url(request, "risks:risk_list")
    if not form.is_valid():
        messages.error(
            request, "Bulk edit: " + " ".join(m for ms in form.errors.values() for m in ms)
        )
        return redirect(back)
    try:
        count = services.risk_bulk_update(
            user=request.user,
            risk_ids=[r.pk for r in form.cleaned_data["risks"]],
            data=form.changes(),
        )
    except ValidationError as exc:
        messages.error(request, "Bulk edit refused, nothing changed: " + " ".join(exc.messages))
    else:
        messages.success(request, f"{count} risk(s) updated.")
    return redirect(back)


@permission_required("risks.add_risk", raise_exception=True)
def risk_import(request):
    """Upload a CSV or XLSX file; all rows are imported or none, errors by row number."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = importing.read_rows(form.cleaned_data["file"])
            created = importing.risk_import(user=request.user, rows=rows)
        except importing.ImportFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, f"{len(created)} risk(s) imported.")
            return redirect("risks:risk_list")
    return render(
        request,
        "risks/risk_import.html",
        {"form": form, "errors": errors, "columns": importing.IMPORT_COLUMNS},
        status=400 if errors else 200,
    )


@uploads.download_rate_limit
def import_template(request):
    """An empty CSV with the import columns."""
    if not request.user.has_perm("risks.add_risk"):
        raise PermissionDenied
    security_log.log_download(request, what="risk-import-template", fmt="csv")
    return csv_response("risk-import-template.csv", importing.IMPORT_COLUMNS, [])
