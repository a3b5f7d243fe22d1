from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from isms.choices import AuditAction


class AuditEventImmutable(ValueError):
    """Raised by any attempt to change or delete an audit event: the trail is append-only."""


class AuditEventQuerySet(models.QuerySet):
    """Reads and inserts only: bulk update and delete of the trail are refused.

    Django's own machinery goes through `_base_manager` (a plain manager), which keeps
    the two legitimate writes working: a deleted user's events lose their actor
    (`on_delete=SET_NULL`; `actor_repr` keeps the name) and the backup import inserts
    rows with their ids. On PostgreSQL a trigger refuses everything else
    (isms/migrations/0009_auditevent_append_only.py).
    """

    def update(self, **kwargs):
        raise AuditEventImmutable("Audit events are immutable: the trail is append-only.")

    def delete(self):
        raise AuditEventImmutable("Audit events are immutable: the trail is append-only.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditEventImmutable("Audit events are immutable: the trail is append-only.")


class AuditEvent(models.Model):
    """One entry of the audit trail: who changed what, when, from where and how.

    Written by `isms.audit.record()` from the service layer, never from signals, so
    that changes made by Celery tasks, management commands and bulk operations are
    recorded exactly like those made through a request, inside the service's transaction
    (a failed operation leaves no event). Immutable once written: save() of an existing
    row, delete() and the queryset's update()/delete() raise, and on PostgreSQL a trigger
    refuses UPDATE and DELETE (the one exception: a deleted user's events lose their
    actor).
    """

    timestamp = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    actor_repr = models.CharField(
        "actor name", max_length=150, blank=True, help_text="Kept when the user is deleted."
    )
    source = models.CharField(
        max_length=100, help_text="web, api, admin, task:<name>, command:<name> or system"
    )
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text="{field: [old, new]} for updates; values on create"
    )
    message = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-timestamp"])]
        permissions = [("export_auditevent", "Can export the audit trail")]

    def __str__(self):
        who = self.actor_repr or self.source
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {who} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        # The trail is append-only: an existing row is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise AuditEventImmutable("Audit events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditEventImmutable("Audit events are immutable.")
