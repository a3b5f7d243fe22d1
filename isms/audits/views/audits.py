"""Pages of the internal audit: the clauses 4-10 with their marks, audit programmes,
audits with their checklist, conclusions, evidence and reports. Thin: the services in
`isms.audits.services.audits` hold every rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isms import approvals, uploads
from isms.audits import report_audits
from isms.audits.filters_audits import AuditFilterSet, AuditProgrammeFilterSet, ClauseFilterSet
from isms.audits.forms_audits import (
    AuditForm,
    CompleteForm,
    ConcludeForm,
    EvidenceForm,
    ProgrammeForm,
    ReportForm,
)
from isms.audits.models import (
    Audit,
    AuditEvidence,
    AuditItem,
    AuditProgramme,
    AuditReport,
    AuditStatus,
    ClauseRequirement,
)
from isms.audits.services import audits as services
from isms.forms import call_service
from isms.models.approvals import ApprovedVersionFrozen
from isms.views.generic import ObjectListView


def _link(url_name: str) -> str:
    """The URL of a page the product holds a clause in ('' when not installed)."""
    try:
        return reverse(url_name) if url_name else ""
    except NoReverseMatch:
        return ""


class ClauseList(ObjectListView):
    """Clauses 4-10, their mandatory documented information and where the product
    holds each one."""

    queryset = ClauseRequirement.objects.select_related("control", "control__parent")
    filterset_class = ClauseFilterSet
    template_name = "audits/audit_clause_list.html"
    permission_required = "audits.view_audit"
    paginate_by = 200

    def get_extra_context(self, request, filterset, page) -> dict:
        for row in page:
            row.link = _link(row.held_in)
        return {}


clause_list = ClauseList.as_view()


class ProgrammeList(ObjectListView):
    """The audit programmes, latest year first."""

    queryset = AuditProgramme.objects.select_related("owner")
    filterset_class = AuditProgrammeFilterSet
    template_name = "audits/programme_list.html"
    permission_required = "audits.view_auditprogramme"


programme_list = ProgrammeList.as_view()


class AuditList(ObjectListView):
    """Every audit with its programme year, status and dates."""

    queryset = Audit.objects.select_related("programme").prefetch_related("auditors")
    filterset_class = AuditFilterSet
    template_name = "audits/audit_list.html"
    permission_required = "audits.view_audit"


audit_list = AuditList.as_view()


@permission_required("audits.view_auditprogramme", raise_exception=True)
def programme_detail(request, pk):
    programme = get_object_or_404(AuditProgramme.objects.select_related("owner"), pk=pk)
    audits = programme.audits.prefetch_related("auditors").order_by("number")
    return render(
        request, "audits/programme_detail.html", {"programme": programme, "audits": audits}
    )


def _programme_form(request, programme):
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.programme_save(
                user=request.user, programme=programme, **form.cleaned_data
            ),
        )
        if saved is not None:
            return redirect("audits:programme_detail", saved.pk)
    return render(request, "audits/programme_form.html", {"form": form, "programme": programme})


@permission_required("audits.add_auditprogramme", raise_exception=True)
def programme_create(request):
    return _programme_form(request, None)


@permission_required("audits.change_auditprogramme", raise_exception=True)
def programme_edit(request, pk):
    return _programme_form(request, get_object_or_404(AuditProgramme, pk=pk))


@permission_required("audits.add_audit", raise_exception=True)
def audit_create(request, pk):
    programme = get_object_or_404(AuditProgramme, pk=pk)
    form = AuditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.audit_create(
                user=request.user, programme=programme, **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("%s planned, its checklist generated.") % saved.reference)
            return redirect("audits:audit_detail", saved.pk)
    return render(
        request, "audits/audit_form.html", {"form": form, "programme": programme, "audit": None}
    )


@permission_required("audits.change_audit", raise_exception=True)
def audit_edit(request, pk):
    audit = get_object_or_404(Audit.objects.select_related("programme"), pk=pk)
    form = AuditForm(
        request.POST or None,
        instance=audit,
        initial={
            "criteria": audit.criteria.all(),
            "auditors": audit.auditors.all(),
            "auditees": audit.auditees.all(),
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.audit_update(user=request.user, audit_obj=audit, **form.cleaned_data),
        )
        if saved is not None:
            return redirect("audits:audit_detail", saved.pk)
    return render(
        request,
        "audits/audit_form.html",
        {"form": form, "programme": audit.programme, "audit": audit},
    )


@login_required
def audit_detail(request, pk):
    """The audit, its checklist and reports: for the roles, and for its own auditors."""
    audit = get_object_or_404(
        Audit.objects.select_related("programme").prefetch_related("auditors", "auditees"), pk=pk
    )
    is_auditor = request.user in audit.auditors.all()
    if not (is_auditor or request.user.has_perm("audits.view_audit")):
        raise PermissionDenied
    is_open = audit.status != AuditStatus.COMPLETED
    items = audit.items.select_related("requirement__framework", "concluded_by").prefetch_related(
        "evidence"
    )
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "items": items,
            "reports": audit.reports.select_related("created_by"),
            "is_auditor": is_auditor,
            "can_work": is_auditor and is_open,
            "can_edit": is_open and request.user.has_perm("audits.change_audit"),
            "complete_form": CompleteForm() if is_auditor and is_open else None,
            "report_form": ReportForm()
            if not is_open and _may_report(request.user, audit)
            else None,
        },
    )


def _may_report(user, audit) -> bool:
    return user.has_perm("audits.add_auditreport") or user in audit.auditors.all()


def _back(request, target, call, done: str = ""):
    """Run a service posted from the audit page; its refusal as a message."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except (ApprovedVersionFrozen, approvals.ApprovalError) as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect(target)


@login_required
@require_POST
def audit_start(request, pk):
    audit = get_object_or_404(Audit, pk=pk)
    return _back(
        request, reverse("audits:audit_detail", args=[pk]),
        lambda: services.audit_start(user=request.user, audit_obj=audit), _("Audit started."),
    )  # fmt: skip


@login_required
@require_POST
def audit_complete(request, pk):
    audit = get_object_or_404(Audit, pk=pk)
    form = CompleteForm(request.POST)
    summary = form.data.get("summary", "")
    return _back(
        request, reverse("audits:audit_detail", args=[pk]),
        lambda: services.audit_complete(user=request.user, audit_obj=audit, summary=summary),
        _("Audit completed."),
    )  # fmt: skip


@login_required
def item_conclude(request, pk):
    """An auditor of the audit concludes one checklist item (and adds its evidence)."""
    item = get_object_or_404(
        AuditItem.objects.select_related("audit__programme", "requirement__framework"), pk=pk
    )
    audit = item.audit
    if request.user not in audit.auditors.all():
        raise PermissionDenied
    form = ConcludeForm(
        request.POST or None,
        initial={"conclusion": item.conclusion or None, "findings": item.findings},
    )
    evidence_form = EvidenceForm()
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.item_conclude(user=request.user, item=item, **form.cleaned_data)
        )
        if saved is not None:
            return redirect("audits:audit_detail", audit.pk)
    return render(
        request,
        "audits/audit_item_form.html",
        {"item": item, "audit": audit, "form": form, "evidence_form": evidence_form,
         "evidence": item.evidence.all()},
    )  # fmt: skip


@login_required
@require_POST
def evidence_add(request, pk):
    """Evidence for a checklist item; the service lets only the audit's auditors add it."""
    item = get_object_or_404(AuditItem.objects.select_related("audit__programme"), pk=pk)
    if not item.audit.auditors.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    target = reverse("audits:item_conclude", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Give a title and a link or a file."))
        return redirect(target)
    data = form.cleaned_data

    def call():
        services.evidence_add(
            user=request.user, item=item, title=data["title"], url=data["url"],
            upload=data["file"],
        )  # fmt: skip

    return _back(request, target, call, _("Evidence added."))


@login_required
@uploads.download_rate_limit
def evidence_download(request, pk):
    evidence = get_object_or_404(
        AuditEvidence.objects.exclude(file="").select_related("item__audit"), pk=pk
    )
    if not (
        request.user.has_perm("audits.view_audit")
        or evidence.item.audit.auditors.filter(pk=request.user.pk).exists()
    ):
        raise PermissionDenied
    return uploads.attachment_response(
        evidence.file.open("rb"), evidence.file.name.rsplit("/", 1)[-1]
    )


@login_required
@require_POST
def report_create(request, pk):
    audit = get_object_or_404(Audit, pk=pk)
    form = ReportForm(request.POST)
    conclusion = form.data.get("conclusion", "")
    if not _may_report(request.user, audit):
        raise PermissionDenied
    return _back(
        request, reverse("audits:audit_detail", args=[pk]),
        lambda: services.report_create(user=request.user, audit_obj=audit, conclusion=conclusion),
        _("Report drafted: submit it for approval."),
    )  # fmt: skip


@permission_required("audits.change_audit", raise_exception=True)
@require_POST
def report_submit(request, pk):
    report = get_object_or_404(AuditReport.objects.select_related("audit"), pk=pk)
    return _back(
        request, reverse("audits:audit_detail", args=[report.audit_id]),
        lambda: approvals.approval_request_submit(
            obj=report, user=request.user, comment=request.POST.get("comment", "")
        ),
        _("Report submitted for approval."),
    )  # fmt: skip


@permission_required("audits.view_auditreport", raise_exception=True)
@uploads.download_rate_limit
def report_pdf(request, pk):
    report = get_object_or_404(AuditReport.objects.select_related("audit__programme"), pk=pk)
    response = HttpResponse(report_audits.to_pdf(report), content_type="application/pdf")
    return uploads.download_headers(
        response, f"{report.audit.reference}-report-v{report.version}.pdf"
    )
