"""The audit trail, readable by every role: the global log and one object's history."""

from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from isms.exports import AUDIT_TRAIL_HEADER, audit_trail_rows
from isms.filters import AuditEventFilterSet
from isms.models import AuditEvent
from isms.roles import isms_app_labels
from isms.views.generic import Export, ObjectListView, page_of

# One layout for the audit trail's CSV, shared with the audit pack.
EXPORT_HEADER = AUDIT_TRAIL_HEADER
_export_rows = audit_trail_rows


class AuditLog(ObjectListView):
    """All audit events with filters, paginated; ?export=csv downloads the filtered list."""

    queryset = AuditEvent.objects.select_related("content_type", "actor")
    filterset_class = AuditEventFilterSet
    template_name = "isms/audit_log.html"
    permission_required = "isms.view_auditevent"
    export = Export(
        title="Audit trail",
        filename="audit-trail",
        what="audit-trail",
        permission="isms.export_auditevent",
        header=EXPORT_HEADER,
        rows=_export_rows,
    )


audit_log = AuditLog.as_view()


@permission_required("isms.view_auditevent", raise_exception=True)
def object_history(request, content_type_id: int, object_id: str):
    """Every audit event about one record, newest first."""
    content_type = get_object_or_404(
        ContentType, pk=content_type_id, app_label__in=isms_app_labels()
    )
    events = AuditEvent.objects.filter(content_type=content_type, object_id=object_id)
    try:
        obj = content_type.model_class()._default_manager.filter(pk=object_id).first()
    except (ValueError, ValidationError):  # an id of the wrong type: no such object
        obj = None
    if obj is None and not events.exists():
        raise Http404
    page, _query = page_of(request, events.select_related("actor"), 50)
    return render(
        request,
        "isms/object_history.html",
        {"object": obj, "content_type": content_type, "object_id": object_id, "page": page},
    )
