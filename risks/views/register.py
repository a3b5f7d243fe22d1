"""The risk register (steps 4 and 5): the dense table with inline and bulk edit, import
and export. Thin: validate, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from isms import security_log, uploads
from isms.exports import csv_response
from isms.models import User
from isms.redirects import safe_next_url
from isms.views.generic import Column, Export, ObjectListView, chosen_columns, cols_query
from risks import importing, selectors, services
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


COLUMNS = [
    Column("ref", "Ref", "ref"),
    Column("title", "Title", "title"),
    Column("assets", "Assets"),
    Column("threat", "Threat", "threat", default=False),
    Column("vulnerability", "Vulnerability", default=False),
    Column("owner", "Owner", "owner"),
    Column("status", "Status", "status"),
    Column("inherent_likelihood", _l("Likelihood"), "inherent_likelihood", numeric=True),
    Column("inherent_impact", _l("Impact"), "inherent_impact", numeric=True),
    Column("inherent_level", _l("Level"), "inherent_level"),
    Column("value_at_stake", _l("At stake"), "value_at_stake_usd", default=False, numeric=True),
    Column(
        "sle",
        _l("SLE"),
        "sle_usd",
        default=False,
        numeric=True,
        explain=_l("single loss expectancy: what one incident costs, in $"),
    ),
    Column(
        "ale",
        _l("ALE"),
        "ale_usd",
        numeric=True,
        explain=_l("annual loss expectancy: what the risk costs per year on average, in $"),
    ),
    Column("treatment", _l("Treatment"), "treatment"),
    Column("residual_likelihood", _l("Residual likelihood"), default=False, numeric=True),
    Column("residual_impact", _l("Residual impact"), default=False, numeric=True),
    Column("residual_level", _l("Residual level"), "residual_level"),
    Column(
        "residual_ale",
        _l("Residual ALE"),
        "residual_ale_usd",
        default=False,
        numeric=True,
        explain=_l("annual loss expectancy once the treatment is in place, in $"),
    ),
    Column("review_date", "Review", "review_date", default=False),
    Column("findings", "Open findings", default=False, numeric=True),
]


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


def _scale():
    version = active_version()
    return version.scale if version else None


class RiskList(ObjectListView):
    """The register: filter by any column, search, sort, choose columns, page; the whole
    state is in the URL. ?export=csv|xlsx downloads the filtered register."""

    filterset_class = RiskFilterSet
    template_name = "risks/risk_list.html"
    page_sizes = PAGE_SIZES
    columns = COLUMNS
    export = Export(
        title="Risk register",
        filename="risk-register",
        what="risk-register",
        permission="risks.export_risk",
        header=[importing.COLUMN_WORDS[c] for c in importing.EXPORT_COLUMNS],
        rows=lambda risks: importing.export_rows(risks, _scale()),
        formats=("csv", "xlsx"),
    )

    def get_queryset(self, request):
        return register_queryset(request.user)

    def rows(self, filterset):
        # A filter the form rejects shows nothing rather than more than was asked for.
        return filterset.qs if filterset.is_valid() else filterset.queryset.none()

    def get_extra_context(self, request, filterset, page):
        version = active_version()
        scale = version.scale if version else None
        users = _users()
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return {
            "rows": [
                {"risk": risk, "editable": set(editable_fields(request.user, risk))}
                for risk in page
            ],
            "current_sort": request.GET.get("sort", ""),
            "scale": scale,
            "version": version,
            "users": users,
            "cell_options": cell_options(scale, users, RiskStatus.choices, TreatmentOption.choices),
            "statuses": RiskStatus.choices,
            "treatments": TreatmentOption.choices,
            "bulk_form": BulkEditForm() if request.user.has_perm("risks.change_risk") else None,
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
        }


risk_list = RiskList.as_view()


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
            error, status = _conflict_text(exc, scale), 409
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        except PermissionDenied as exc:
            error, status = str(exc) or "You may not change this.", 403
        risk = register_queryset(request.user).get(pk=pk)
    context = _row_context(request, risk, scale, _users())
    columns = chosen_columns(COLUMNS, request)
    context.update(
        columns=columns,
        cols_query=cols_query(COLUMNS, request),
        error=error,
        # The refusal is shown beside the cell that was changed (issue 20.5); in the
        # reference cell only when that cell is not on screen.
        error_field=request.POST.get("field", ""),
        column_keys={c.key for c in columns},
        selectable=request.user.has_perm("risks.change_risk"),
    )
    return render(request, "risks/partials/risk_row.html", context, status=status)


def _conflict_text(exc: services.RiskConflict, scale) -> str:
    """A concurrent change in words, with what to do (issue 20.5)."""
    parts = [
        _("%(actor)s changed %(fields)s.")
        % {"actor": change["actor"], "fields": "; ".join(change["fields"])}
        for change in selectors.conflict_in_words(exc.changes, scale)
    ]
    return " ".join(
        [
            _("Not saved: someone else changed %(ref)s after you loaded the page.")
            % {"ref": exc.risk.ref},
            *parts,
            _("The row now shows the current values; make your change again if it still applies."),
        ]
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
    return csv_response(
        "risk-import-template.csv",
        [importing.COLUMN_WORDS[c] for c in importing.IMPORT_COLUMNS],
        [],
    )
