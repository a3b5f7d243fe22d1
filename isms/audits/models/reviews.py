"""The management review (ISO/IEC 27001 9.3): the meeting record, its frozen inputs and
its decisions.

A `ManagementReview` is one meeting (MR-2026-01): when, who attended (users, and guests
by name), the minutes, and its inputs (9.3.2) as one dated snapshot taken from every
registered `isms.audits.review_inputs.ReviewInput` by `services.reviews.review_inputs_take`.
It is approved through the one workflow (`isms.approvals`): approved = frozen and hashed,
and on PostgreSQL a trigger refuses any raw change of the row, of its attendees and of the
content of its decisions.

A `ReviewDecision` is one output (9.3.3): an improvement opportunity, a change to the
ISMS or a resource need, with an owner and a due date. Its wording is part of the
approved record; its follow-up (status, done date, note) is a tracked action that moves
after approval, and feeds the next review's input "status of actions from previous
reviews".
"""

import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.models.approvals import ApprovableModel

__all__ = [
    "DECISION_TRACKING_FIELDS",
    "OPEN_STATUSES",
    "ActionStatus",
    "DecisionKind",
    "ManagementReview",
    "ReviewDecision",
]


class DecisionKind(models.TextChoices):
    IMPROVEMENT = "improvement", _("Continual improvement opportunity")
    CHANGE = "change", _("Change to the ISMS")
    RESOURCES = "resources", _("Resource need")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
# The columns of a decision that are its follow-up, not its approved content: the only
# ones that may change once the review is approved (services and the PostgreSQL trigger).
DECISION_TRACKING_FIELDS = ("status", "done_on", "status_note", "updated_at")


class ManagementReview(ApprovableModel):
    """One management review meeting (9.3): reference, date, attendees, minutes, the
    frozen snapshot of its inputs, and (through `decisions`) its outputs."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    number = models.PositiveSmallIntegerField(editable=False, help_text=_("Within the year."))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("attendees")
    )
    guests = models.TextField(
        _("other attendees"), blank=True, help_text=_("People without an account, one a line.")
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    inputs = models.JSONField(
        _("inputs"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("The snapshot of the inputs: [{key, clause, title, data}], in review order."),
    )
    inputs_taken_at = models.DateTimeField(_("inputs taken at"), null=True, editable=False)
    inputs_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-year", "-number"]
        verbose_name = _("management review")
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="one_review_number_a_year")
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("audits:review_detail", args=[self.pk])

    def canonical_json(self) -> str:
        """The text management approves (its SHA-256 is kept with the approval): the
        meeting, its attendees, the input snapshot and the decisions' content (not their
        follow-up, which moves after approval)."""
        decisions = [
            {
                "number": d.number,
                "kind": d.kind,
                "description": d.description,
                "owner": d.owner.get_username() if d.owner_id else "",
                "due_date": d.due_date.isoformat() if d.due_date else None,
            }
            for d in self.decisions.select_related("owner").order_by("number")
        ]
        return json.dumps(
            {
                "reference": self.reference,
                "title": self.title,
                "held_on": self.held_on.isoformat() if self.held_on else None,
                "attendees": sorted(u.get_username() for u in self.attendees.all()),
                "guests": self.guests,
                "minutes": self.minutes,
                "inputs_taken_at": (
                    self.inputs_taken_at.isoformat() if self.inputs_taken_at else None
                ),
                "inputs": self.inputs,
                "decisions": decisions,
            },
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        )


class ReviewDecision(models.Model):
    """One output of a management review (9.3.3) and the action that tracks it: what was
    decided (frozen with the approved review) and how far it got (status, done date)."""

    review = models.ForeignKey(ManagementReview, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    description = models.TextField(_("decision"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="management_review_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    status_note = models.TextField(_("follow-up note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["review", "number"]
        verbose_name = _("management review decision")
        constraints = [
            models.UniqueConstraint(fields=["review", "number"], name="one_decision_number")
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="review_decision_due")]

    def __str__(self):
        return f"{self.reference} {self.description[:60]}"

    def get_absolute_url(self):
        return reverse("audits:review_detail", args=[self.review_id]) + f"#decision-{self.number}"

    @property
    def reference(self) -> str:
        return f"{self.review.reference}/D{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()
