"""Pages of the incident register: the list, reporting (anyone signed in), the incident
with its impact through the graph, timeline, evidence and notifications, handling,
closing after the post-incident review, and follow-ups raised from it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from isms import uploads
from isms.forms import call_service
from isms.views.generic import Export, ObjectListView
from risks.incidents import selectors, services
from risks.incidents.choices import NotificationStatus
from risks.incidents.filters import IncidentFilterSet
from risks.incidents.forms import (
    CloseForm,
    EntryForm,
    EvidenceForm,
    FollowUpForm,
    IncidentHandlingForm,
    IncidentReportForm,
    NotificationForm,
    NotificationSentForm,
)
from risks.incidents.models import IncidentEvidence


class IncidentList(ObjectListView):
    """Incidents newest first: all of them for the roles, one's own for the others."""

    filterset_class = IncidentFilterSet
    template_name = "incidents/incident_list.html"
    export = Export(
        title="Incident register",
        filename="incidents",
        what="incidents",
        permission="incidents.view_incident",
        header=selectors.REGISTER_HEADER,
        rows=selectors.register_rows,
    )

    def get_queryset(self, request):
        return selectors.visible_incidents(request.user).select_related("handler")


incident_list = IncidentList.as_view()


def _incident(request, pk):
    return get_object_or_404(selectors.visible_incidents(request.user), pk=pk)


def _manager(request):
    if not selectors.can_manage(request.user):
        raise PermissionDenied


@login_required
def incident_report(request):
    form = IncidentReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        incident = call_service(
            form, lambda: services.incident_report(user=request.user, data=form.cleaned_data)
        )
        if incident is not None:
            messages.success(
                request, _("%s reported. The security team will triage it.") % incident.ref
            )
            return redirect(incident)
    return render(request, "incidents/incident_form.html", {"form": form, "incident": None})


@login_required
def incident_detail(request, pk):
    incident = _incident(request, pk)
    manager = selectors.can_manage(request.user)
    return render(
        request,
        "incidents/incident_detail.html",
        {
            "incident": incident,
            "impact": selectors.impact(incident),
            "entries": incident.entries.select_related("author"),
            "evidence": incident.evidence.select_related("added_by")
            if selectors.can_view_evidence(request.user)
            else None,
            "notifications": incident.notifications.all(),
            "manager": manager,
            "entry_form": EntryForm()
            if selectors.can_write_entries(request.user, incident)
            else None,
            "evidence_form": EvidenceForm() if manager else None,
            "notification_form": NotificationForm() if manager else None,
            "follow_up_form": FollowUpForm(user=request.user) if manager else None,
        },
    )


@login_required
def incident_edit(request, pk):
    incident = _incident(request, pk)
    _manager(request)
    form = IncidentHandlingForm(
        request.POST or None,
        instance=incident,
        user=request.user,
        initial={
            "assets": incident.assets.all(),
            "findings": incident.findings.all(),
            "aws_resources": incident.aws_resources.all(),
            "risks": incident.risks.all(),
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.incident_update(
                incident=incident, user=request.user, data=form.cleaned_data
            ),
        )
        if saved is not None:
            return redirect(saved)
    return render(request, "incidents/incident_form.html", {"form": form, "incident": incident})


def _back(request, incident, call):
    """Run a service posted from the incident page; its error as a message."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(incident)


@login_required
@require_POST
def entry_add(request, pk):
    incident = _incident(request, pk)
    if not selectors.can_write_entries(request.user, incident):
        raise PermissionDenied
    form = EntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the entry."))
        return redirect(incident)
    return _back(
        request,
        incident,
        lambda: services.entry_add(incident=incident, user=request.user, data=form.cleaned_data),
    )


@login_required
@require_POST
def evidence_add(request, pk):
    incident = _incident(request, pk)
    _manager(request)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect(incident)
    return _back(
        request,
        incident,
        lambda: services.evidence_add(
            incident=incident,
            user=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        ),
    )


@login_required
@uploads.download_rate_limit
def evidence_download(request, pk):
    evidence = get_object_or_404(
        IncidentEvidence.objects.filter(
            incident__in=selectors.visible_incidents(request.user)
        ).select_related("incident"),
        pk=pk,
    )
    if not selectors.can_view_evidence(request.user):
        raise PermissionDenied
    services.evidence_accessed(evidence=evidence, user=request.user)
    return uploads.attachment_response(evidence.file.open("rb"), evidence.filename)


@login_required
@require_POST
def notification_add(request, pk):
    incident = _incident(request, pk)
    _manager(request)
    form = NotificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the recipient and the deadline."))
        return redirect(incident)
    return _back(
        request,
        incident,
        lambda: services.notification_save(
            incident=incident, user=request.user, data=form.cleaned_data
        ),
    )


@login_required
@require_POST
def notification_sent(request, pk, notification_id):
    incident = _incident(request, pk)
    _manager(request)
    notification = get_object_or_404(incident.notifications, pk=notification_id)
    form = NotificationSentForm(request.POST)
    form.is_valid()
    status = (
        NotificationStatus.NOT_REQUIRED
        if request.POST.get("not_required")
        else NotificationStatus.SENT
    )
    return _back(
        request,
        incident,
        lambda: services.notification_save(
            incident=incident,
            user=request.user,
            notification=notification,
            data={"status": status, "reference": form.cleaned_data.get("reference", "")},
        ),
    )


@login_required
def incident_close(request, pk):
    incident = _incident(request, pk)
    _manager(request)
    form = CloseForm(
        request.POST or None,
        initial={"root_cause": incident.root_cause, "lessons_learned": incident.lessons_learned},
    )
    if request.method == "POST" and form.is_valid():
        closed = call_service(
            form,
            lambda: services.incident_close(
                incident=incident, user=request.user, data=form.cleaned_data
            ),
        )
        if closed is not None:
            messages.success(request, _("%s closed.") % closed.ref)
            return redirect(closed)
    return render(request, "incidents/incident_close.html", {"form": form, "incident": incident})


@login_required
@require_POST
def incident_follow_up(request, pk):
    incident = _incident(request, pk)
    _manager(request)
    form = FollowUpForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose what to raise and give it a title."))
        return redirect(incident)
    data = dict(form.cleaned_data)
    kind = data.pop("kind")
    try:
        record = services.incident_follow_up(
            incident=incident, user=request.user, kind=kind, data=data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(incident)
    messages.success(request, _("%s raised.") % record)
    return redirect(record.get_absolute_url())
