from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from isms.choices import AuditAction


class AuditEvent(models.Model):
    """One entry of the audit trail: who changed what, when, from where and how.

    Written by `isms.audit.record()` from the service layer, never from signals, so
    that changes made by Celery tasks, management commands and bulk operations are
    recorded exactly like those made through a request. Immutable once written.
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
            raise ValueError("Audit events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit events are immutable.")
