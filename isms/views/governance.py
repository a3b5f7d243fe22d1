"""Pages of governance: the scope (step 1), the policies (step 2) with their versions,
diff, publication and acknowledgements, the reviews due, notifications, the mail outbox
and the audit pack. Thin: validate, call a service, render."""

import datetime
import email
import email.policy
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from isms import approvals, security_log, uploads
from isms.governance import (
    audit_pack,
    notifications,
    reviews,
    scope_estate,
    scope_sections,
    services,
)
from isms.governance.diff import changed, side_by_side
from isms.governance.filters import AcknowledgementFilterSet, PolicyFilterSet
from isms.governance.forms import PolicyForm, PolicyVersionForm, ScopeVersionForm, SubmitForm
from isms.governance.markdown import render_markdown
from isms.models import (
    ApprovalRequest,
    Notification,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
    ScopeVersion,
)
from isms.views.generic import Export, ObjectListView, page_of

WORKFLOW_ERRORS = (approvals.ApprovalError, approvals.ApprovedVersionFrozen)


def _workflow_error(request, exc) -> None:
    messages.error(request, str(exc))


def _requests_of(obj):
    return ApprovalRequest.objects.filter(
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=obj.pk,
    ).prefetch_related("decisions__decided_by")


# --- Scope -----------------------------------------------------------------------------------


@permission_required("isms.view_scope", raise_exception=True)
def scope(request):
    """The scope in force, the open version and the history of versions."""
    record = services.scope_get()
    versions = record.versions.select_related("created_by")
    page, query = page_of(request, versions)
    return render(
        request,
        "isms/governance/scope.html",
        {
            "scope": record,
            "current": record.current_version,
            "open": versions.exclude(approval_state__in=("approved", "superseded", "rejected"))
            .order_by("-number")
            .first(),
            "page": page,
            "query": query,
            "outside_scope": scope_estate.outside_scope(),
        },
    )


@permission_required("isms.view_scopeversion", raise_exception=True)
def scope_version_detail(request, pk: int):
    version = get_object_or_404(ScopeVersion.objects.select_related("scope", "created_by"), pk=pk)
    previous = (
        ScopeVersion.objects.filter(scope=version.scope, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    rows = side_by_side(previous.canonical_text() if previous else "", version.canonical_text())
    return render(
        request,
        "isms/governance/scope_version.html",
        {
            "version": version,
            "previous": previous,
            "diff": rows,
            "changed": changed(rows),
            "requests": _requests_of(version),
            "submit_form": SubmitForm(),
            # In review or approved: the sections as they were submitted (linked
            # interested parties), not as the linked records are today.
            "frozen_sections": [] if version.is_editable else scope_sections.rendered(version),
        },
    )


@permission_required("isms.add_scopeversion", raise_exception=True)
@require_POST
def scope_version_new(request):
    try:
        version = services.scope_version_create(user=request.user)
    except WORKFLOW_ERRORS as exc:
        _workflow_error(request, exc)
        return redirect("isms:scope")
    messages.success(request, f"{version} created as a draft.")
    return redirect("isms:scope_version_edit", pk=version.pk)


def _draft_edit(request, version, *, form_class, update, template, context=None):
    """Edit a draft version of a document: frozen versions send the user back to it."""
    if not version.is_editable:
        messages.error(request, f"{version} is {version.get_approval_state_display().lower()}.")
        return redirect(version)
    form = form_class(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            update(version=version, user=request.user, data=form.cleaned_data)
        except WORKFLOW_ERRORS as exc:
            _workflow_error(request, exc)
        else:
            messages.success(request, f"{version} saved.")
            return redirect(version)
    return render(
        request,
        template,
        {"form": form, "version": version, **(context or {})},
        status=400 if form.errors else 200,
    )


@permission_required("isms.change_scopeversion", raise_exception=True)
def scope_version_edit(request, pk: int):
    return _draft_edit(
        request,
        get_object_or_404(ScopeVersion, pk=pk),
        form_class=ScopeVersionForm,
        update=services.scope_version_update,
        template="isms/governance/scope_version_form.html",
    )


@permission_required("isms.change_scopeversion", raise_exception=True)
@require_POST
def scope_version_submit(request, pk: int):
    return _submit(request, get_object_or_404(ScopeVersion, pk=pk))


@permission_required("isms.change_scope", raise_exception=True)
@require_POST
def scope_review(request):
    services.document_review_complete(document=services.scope_get(), user=request.user)
    messages.success(request, "Scope review recorded.")
    return redirect("isms:scope")


def _submit(request, version):
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        approvals.approval_request_submit(
            obj=version, user=request.user, comment=form.cleaned_data.get("comment", "")
        )
    except WORKFLOW_ERRORS as exc:
        _workflow_error(request, exc)
    else:
        messages.success(request, f"{version} submitted for management approval.")
    return redirect(version)


# --- Policies --------------------------------------------------------------------------------


class PolicyList(ObjectListView):
    """The policies, with their published version and the versions still open."""

    queryset = (
        Policy.objects.select_related("owner", "published_version")
        .annotate(
            open_versions=Count(
                "versions",
                filter=Q(versions__approval_state__in=("draft", "in_review", "changes_requested")),
            )
        )
        .order_by("reference")
    )
    filterset_class = PolicyFilterSet
    template_name = "isms/governance/policy_list.html"
    permission_required = "isms.view_policy"
    paginate_by = 25


policy_list = PolicyList.as_view()


@permission_required("isms.add_policy", raise_exception=True)
def policy_create(request):
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        policy = services.policy_create(user=request.user, data=form.cleaned_data)
        messages.success(request, f"{policy} created; its first draft starts from a template.")
        return redirect("isms:policy_version_edit", pk=policy.versions.get().pk)
    return render(
        request,
        "isms/governance/policy_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@permission_required("isms.change_policy", raise_exception=True)
def policy_edit(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        services.policy_update(policy=policy, user=request.user, data=form.cleaned_data)
        messages.success(request, f"{policy} saved.")
        return redirect(policy)
    return render(
        request,
        "isms/governance/policy_form.html",
        {"form": form, "policy": policy},
        status=400 if form.errors else 200,
    )


@permission_required("isms.view_policy", raise_exception=True)
def policy_detail(request, pk: int):
    policy = get_object_or_404(Policy.objects.select_related("owner", "published_version"), pk=pk)
    versions = policy.versions.select_related("created_by")
    page, query = page_of(request, versions)
    published = policy.published_version
    return render(
        request,
        "isms/governance/policy_detail.html",
        {
            "policy": policy,
            "page": page,
            "query": query,
            "published": published,
            "published_html": render_markdown(published.body) if published else "",
            "acknowledged": published
            and published.acknowledgements.filter(user=request.user).exists(),
        },
    )


@permission_required("isms.add_policyversion", raise_exception=True)
@require_POST
def policy_version_new(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    try:
        version = services.policy_version_create(policy=policy, user=request.user)
    except WORKFLOW_ERRORS as exc:
        _workflow_error(request, exc)
        return redirect(policy)
    messages.success(request, f"{version} created as a draft.")
    return redirect("isms:policy_version_edit", pk=version.pk)


@permission_required("isms.view_policyversion", raise_exception=True)
def policy_version_detail(request, pk: int):
    version = get_object_or_404(PolicyVersion.objects.select_related("policy", "created_by"), pk=pk)
    return render(
        request,
        "isms/governance/policy_version.html",
        {
            "version": version,
            "policy": version.policy,
            "html": render_markdown(version.body),
            "requests": _requests_of(version),
            "submit_form": SubmitForm(),
            "others": version.policy.versions.exclude(pk=version.pk).order_by("-number"),
        },
    )


@permission_required("isms.change_policyversion", raise_exception=True)
def policy_version_edit(request, pk: int):
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    return _draft_edit(
        request,
        version,
        form_class=PolicyVersionForm,
        update=services.policy_version_update,
        template="isms/governance/policy_version_form.html",
        context={"policy": version.policy},
    )


@permission_required("isms.change_policyversion", raise_exception=True)
@require_POST
def policy_version_submit(request, pk: int):
    return _submit(request, get_object_or_404(PolicyVersion, pk=pk))


@permission_required("isms.change_policy", raise_exception=True)
@require_POST
def policy_version_publish(request, pk: int):
    version = get_object_or_404(PolicyVersion, pk=pk)
    try:
        services.policy_publish(version=version, user=request.user)
    except WORKFLOW_ERRORS as exc:
        _workflow_error(request, exc)
    else:
        messages.success(request, f"{version} published: staff can now acknowledge it.")
    return redirect(version.policy)


@permission_required("isms.view_policyversion", raise_exception=True)
def policy_version_diff(request, pk: int):
    """Side by side: another version of the same policy (default: the previous) and this one."""
    version = get_object_or_404(PolicyVersion.objects.select_related("policy"), pk=pk)
    others = version.policy.versions.exclude(pk=version.pk).order_by("-number")
    against_id = request.GET.get("against")
    against = None
    if against_id and against_id.isdigit():
        against = others.filter(pk=int(against_id)).first()
    if against is None:
        against = others.filter(number__lt=version.number).first()
    rows = side_by_side(against.canonical_text() if against else "", version.canonical_text())
    return render(
        request,
        "isms/governance/policy_diff.html",
        {
            "version": version,
            "policy": version.policy,
            "against": against,
            "others": others,
            "diff": rows,
            "changed": changed(rows),
        },
    )


@permission_required("isms.change_policy", raise_exception=True)
@require_POST
def policy_review(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    services.document_review_complete(document=policy, user=request.user)
    messages.success(request, f"Review of {policy} recorded.")
    return redirect(policy)


# --- Reading and acknowledging (every signed-in member of staff) ------------------------------


class PolicyReadList(ObjectListView):
    """The published policies, and whether the user has acknowledged each."""

    template_name = "isms/governance/policy_read_list.html"
    paginate_by = 25

    def get_queryset(self, request):
        return (
            Policy.objects.filter(published_version__isnull=False)
            .select_related("published_version")
            .annotate(
                acknowledged=Exists(
                    PolicyAcknowledgement.objects.filter(
                        version=OuterRef("published_version"), user=request.user
                    )
                )
            )
            .order_by("reference")
        )


policy_read_list = PolicyReadList.as_view()


def policy_read(request, pk: int):
    """The published version of one policy, with the acknowledgement button."""
    policy = get_object_or_404(
        Policy.objects.select_related("published_version", "owner"),
        pk=pk,
        published_version__isnull=False,
    )
    version = policy.published_version
    return render(
        request,
        "isms/governance/policy_read.html",
        {
            "policy": policy,
            "version": version,
            "html": render_markdown(version.body),
            "acknowledgement": version.acknowledgements.filter(user=request.user).first(),
        },
    )


@require_POST
def policy_acknowledge(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    try:
        services.policy_acknowledge(policy=policy, user=request.user)
    except WORKFLOW_ERRORS as exc:
        _workflow_error(request, exc)
    else:
        messages.success(request, f"Thank you: your acknowledgement of {policy} is recorded.")
    return redirect("isms:policy_read", pk=policy.pk)


ACK_HEADER = ["user", "name", "e-mail", "acknowledged", "acknowledged at (UTC)"]


class PolicyAcknowledgements(ObjectListView):
    """Who has and has not acknowledged a policy's published version (?export=csv)."""

    filterset_class = AcknowledgementFilterSet
    template_name = "isms/governance/policy_acknowledgements.html"
    permission_required = "isms.view_policyacknowledgement"
    export = Export(
        title="Policy acknowledgements",
        filename="policy-acknowledgements",
        what="policy-acknowledgements",
        permission="isms.view_policyacknowledgement",
        header=ACK_HEADER,
        rows=lambda people: (
            [
                person.get_username(),
                person.get_full_name(),
                person.email,
                person.acknowledged_at is not None,
                person.acknowledged_at,
            ]
            for person in people.iterator()
        ),
    )

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.policy = get_object_or_404(
            Policy.objects.select_related("published_version"), pk=kwargs["pk"]
        )

    def get_queryset(self, request):
        acknowledged = PolicyAcknowledgement.objects.filter(
            version_id=self.policy.published_version_id, user=OuterRef("pk")
        ).values("acknowledged_at")[:1]
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .annotate(acknowledged_at=Subquery(acknowledged))
            .order_by("username")
        )

    def get_extra_context(self, request, filterset, page) -> dict:
        everyone = self.get_queryset(request)
        return {
            "policy": self.policy,
            "version": self.policy.published_version,
            "show": request.GET.get("show") or "all",
            "done": everyone.filter(acknowledged_at__isnull=False).count(),
            "total": everyone.count(),
        }


policy_acknowledgements = PolicyAcknowledgements.as_view()


# --- Reviews, notifications, mail, audit pack --------------------------------------------------


REVIEW_HORIZON_DAYS = 30


@permission_required("isms.view_scope", raise_exception=True)
def reviews_due(request):
    """Everything whose review is overdue or due within the next 30 days."""
    today = timezone.localdate()
    items = reviews.due(today + datetime.timedelta(days=REVIEW_HORIZON_DAYS))
    page, query = page_of(request, items, per_page=50)
    return render(
        request,
        "isms/governance/reviews_due.html",
        {"page": page, "query": query, "today": today, "horizon": REVIEW_HORIZON_DAYS},
    )


class NotificationList(ObjectListView):
    """The user's own notifications, newest first; POST marks them all read."""

    template_name = "isms/governance/notifications.html"

    def get_queryset(self, request):
        return Notification.objects.filter(user=request.user)

    def post(self, request):
        count = notifications.notifications_mark_read(user=request.user)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
        return redirect("isms:notification_list")


notification_list = NotificationList.as_view()


MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"  # what Django's file backend writes after each mail


def _read_mails(path: Path) -> list[dict]:
    mails = []
    for chunk in path.read_text(errors="replace").split(MAIL_SEPARATOR):
        if not chunk.strip():
            continue
        message = email.message_from_string(chunk, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        mails.append(
            {
                "name": path.name,
                "to": message.get("To", ""),
                "subject": message.get("Subject", ""),
                "date": message.get("Date", ""),
                "body": body.get_content() if body else "",
            }
        )
    return mails


def mail_outbox(request):
    """The e-mails the file backend wrote (embedded mode and demo: no SMTP server);
    administrators only, since mails to everyone are shown."""
    if not request.user.is_superuser:
        raise PermissionDenied
    folder = getattr(settings, "EMAIL_FILE_PATH", None)
    files = []
    if folder and Path(folder).is_dir():
        files = sorted(Path(folder).glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    page, query = page_of(request, files, per_page=20)
    mails = []
    for path in page:
        try:
            mails.extend(_read_mails(path))
        except OSError:
            continue  # removed between listing and reading
    return render(
        request,
        "isms/governance/mail_outbox.html",
        {"page": page, "query": query, "mails": mails, "folder": folder},
    )


@permission_required("isms.download_auditpack", raise_exception=True)
@uploads.download_rate_limit
def audit_pack_download(request):
    """The audit pack ZIP (recorded in the audit trail)."""
    filename, data = audit_pack.audit_pack_build(user=request.user)
    security_log.log_download(request, what="audit-pack", fmt="zip")
    return uploads.download_headers(HttpResponse(data, content_type="application/zip"), filename)
