"""Pages of the security checks: the posture of the estate and of each account, the
findings list and detail (with mute and unmute), and the catalogue of checks. Thin:
check the permission, validate with a form, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assets.aws.checks.engine import ordered
from assets.findings import selectors, services
from assets.findings.filters import FindingFilterSet
from assets.findings.forms import MuteForm, ScopeTriageForm
from assets.models import AwsAccount, Finding
from isms.forms import call_service
from isms.governance import scope_estate
from isms.models import Control
from isms.views.generic import Export, ObjectListView

EXPORT_COLUMNS = [
    "check_id",
    "title",
    "severity",
    "status",
    "account",
    "region",
    "service",
    "resource",
    "resource_arn",
    "detail",
    "value_at_stake_usd",
    "first_seen",
    "last_seen",
    "resolved_at",
]


def _posture_context(account=None):
    found = selectors.posture(account=account)
    return {
        "account": account,
        "posture": found,
        "trend_points": selectors.trend_polyline(found.trend),
    }


@permission_required("assets.view_finding", raise_exception=True)
def estate_posture(request):
    """The whole estate: counts by severity and service, $ at stake, trend, worst first,
    and each account's posture."""
    context = _posture_context()
    context["accounts"] = selectors.accounts_posture()
    return render(request, "assets/findings/posture.html", context)


@permission_required("assets.view_finding", raise_exception=True)
def account_posture(request, pk):
    account = get_object_or_404(AwsAccount, pk=pk)
    return render(request, "assets/findings/posture.html", _posture_context(account))


def _export_rows(findings):
    for f in findings.iterator(chunk_size=1000):
        yield [
            f.check_id,
            f.title,
            f.severity,
            f.status,
            f.account.name,
            f.region,
            f.service,
            f.resource.name,
            f.resource.arn,
            f.detail,
            f.value_at_stake_usd,
            f.first_seen,
            f.last_seen,
            f.resolved_at,
        ]


class FindingList(ObjectListView):
    """Findings worst first, filtered (the open ones until the user filters); CSV export
    for roles allowed to export."""

    queryset = Finding.objects.all()
    filterset_class = FindingFilterSet
    template_name = "assets/findings/finding_list.html"
    permission_required = "assets.view_finding"
    default_filters = {"status": ["open"]}
    export = Export(
        title="Security findings",
        filename="findings",
        what="findings",
        permission="assets.export_finding",
        header=EXPORT_COLUMNS,
        rows=_export_rows,
    )

    def rows(self, filterset):
        # The risks already linked to each finding (the list's Risks column).
        return selectors.findings_for_list(filterset.qs).prefetch_related("risks")


finding_list = FindingList.as_view()


def _outside_scope(finding) -> str:
    """Why the finding is outside the approved scope, or "" (inside, or no scope yet)."""
    limits = scope_estate.bounds()
    if not limits.approved:
        return ""
    return limits.reason(finding.account.account_id, finding.region)


def _detail_context(finding, mute_form=None, triage_form=None):
    check = finding.definition
    controls = []
    if check is not None:
        wanted = {(fw, ident) for fw, idents in check.controls.items() for ident in idents}
        known = {
            (c.framework.code, c.identifier): c
            for c in Control.objects.select_related("framework").filter(
                identifier__in={ident for _, ident in wanted},
                framework__code__in={fw for fw, _ in wanted},
            )
        }
        controls = [
            (framework, identifier, known.get((framework, identifier)))
            for framework, identifiers in check.controls.items()
            for identifier in identifiers
        ]
    return {
        "finding": finding,
        "check": check,
        "controls": controls,
        "assets": finding.resource.assets.all(),
        "mute_form": mute_form or MuteForm(),
        "outside_scope": _outside_scope(finding),
        "triage_form": triage_form or ScopeTriageForm(),
        "content_type": ContentType.objects.get_for_model(Finding),
    }


@permission_required("assets.view_finding", raise_exception=True)
def finding_detail(request, pk):
    """One finding: its cause, remediation, the controls it evidences, its history."""
    finding = get_object_or_404(
        Finding.objects.select_related("resource__service", "account", "muted_by"), pk=pk
    )
    return render(request, "assets/findings/finding_detail.html", _detail_context(finding))


@permission_required("assets.change_finding", raise_exception=True)
@require_POST
def finding_mute(request, pk):
    finding = get_object_or_404(
        Finding.objects.select_related("resource__service", "account"), pk=pk
    )
    form = MuteForm(request.POST)
    if form.is_valid():
        muted = call_service(
            form,
            lambda: services.finding_mute(
                finding=finding,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
                user=request.user,
            ),
        )
        if muted is not None:
            messages.success(request, _("Finding muted."))
            return redirect(finding)
    return render(
        request,
        "assets/findings/finding_detail.html",
        _detail_context(finding, mute_form=form),
        status=400,
    )


@permission_required("audits.add_nonconformity", raise_exception=True)
@require_POST
def finding_raise_nonconformity(request, pk):
    """Raise a nonconformity from the finding (or open the one raised before)."""
    from assets.findings.nonconformities import finding_raise_nonconformity as raise_nc

    finding = get_object_or_404(Finding.objects.select_related("resource", "account"), pk=pk)
    try:
        nc = raise_nc(finding=finding, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(finding)
    return redirect(nc)


@permission_required("assets.change_finding", raise_exception=True)
@require_POST
def finding_unmute(request, pk):
    finding = get_object_or_404(Finding, pk=pk)
    try:
        services.finding_unmute(finding=finding, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Finding unmuted: it is open again."))
    return redirect(finding)


@permission_required("assets.view_finding", raise_exception=True)
def check_list(request):
    """The catalogue of checks, with the latest pass/fail counts over every account."""
    from assets.findings.evidence import latest_counts

    counts = latest_counts()
    checks = [(check, counts.get(check.id, [0, 0, 0])) for check in ordered()]
    return render(request, "assets/findings/check_list.html", {"checks": checks})


@permission_required("assets.change_finding", raise_exception=True)
@require_POST
def finding_scope_triage(request, pk):
    """Triage a finding outside the approved scope as in or out of scope."""
    finding = get_object_or_404(
        Finding.objects.select_related("resource__service", "account"), pk=pk
    )
    form = ScopeTriageForm(request.POST)
    if form.is_valid():
        try:
            services.finding_scope_triage(
                finding=finding,
                user=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Finding triaged."))
            return redirect(finding)
    return render(
        request,
        "assets/findings/finding_detail.html",
        _detail_context(finding, triage_form=form),
        status=400,
    )
