"""Periodic reviews: what falls due, the "Reviews due" page and the daily reminders.

Every app with reviewable records registers a provider in its `AppConfig.ready()`::

    from isms.governance import reviews

    reviews.register(asset_reviews)   # asset_reviews(until: date) -> Iterable[ReviewItem]

A provider yields the records whose next review is due on or before `until`. The daily
task reminds each item's owners once per due date: a `ReviewReminder` row per
(record, due date) is the proof that the reminder went out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from isms import audit, roles
from isms.models import Policy, ReviewReminder, Scope
from isms.models.audit import AuditAction
from isms.registry import Registry


@dataclass
class ReviewItem:
    """One record whose review is due (or soon due)."""

    obj: object
    kind: str
    title: str
    due: datetime.date
    owners: list = field(default_factory=list)
    url: str = ""

    @property
    def overdue(self) -> bool:
        return self.due < timezone.localdate()


# `provider(until: date) -> Iterable[ReviewItem]` (see the module docstring).
providers: Registry[Callable, Callable[[datetime.date], Iterable[ReviewItem]]] = Registry(
    "review providers"
)


def register(provider: Callable[[datetime.date], Iterable[ReviewItem]]) -> None:
    """Add a provider of due reviews (see the module docstring)."""
    providers.register(provider)


def due(until: datetime.date) -> list[ReviewItem]:
    """Every review due on or before `until`, earliest first."""
    items = [item for provider in providers for item in provider(until)]
    return sorted(items, key=lambda item: (item.due, item.kind, item.title))


def security_managers():
    return get_user_model().objects.filter(groups__name=roles.SECURITY_MANAGER, is_active=True)


def governance_reviews(until: datetime.date) -> Iterable[ReviewItem]:
    """The scope and the policies (registered by isms itself)."""
    for scope in Scope.objects.filter(next_review_due__lte=until):
        yield ReviewItem(
            obj=scope,
            kind="Scope",
            title=str(scope),
            due=scope.next_review_due,
            owners=list(security_managers()),
            url=reverse("isms:scope"),
        )
    for policy in Policy.objects.filter(next_review_due__lte=until).select_related("owner"):
        yield ReviewItem(
            obj=policy,
            kind="Policy",
            title=str(policy),
            due=policy.next_review_due,
            owners=[policy.owner] if policy.owner else list(security_managers()),
            url=reverse("isms:policy_detail", args=[policy.pk]),
        )


def reviews_remind(*, today: datetime.date | None = None) -> int:
    """Remind the owners of every overdue review, once per record and due date.

    Returns the number of reminders sent. Running it again the same day, or every day
    until the review is done, sends nothing new: the ReviewReminder row already exists.
    """
    from isms.governance.notifications import notify

    today = today or timezone.localdate()
    sent = 0
    for item in due(today - datetime.timedelta(days=1)):
        content_type = ContentType.objects.get_for_model(item.obj, for_concrete_model=True)
        try:
            with transaction.atomic():
                reminder = ReviewReminder.objects.create(
                    content_type=content_type,
                    object_id=str(item.obj.pk),
                    due_date=item.due,
                    title=item.title[:300],
                )
                notify(
                    users=item.owners or list(security_managers()),
                    subject=f"Review overdue: {item.title}",
                    body=f"The review of {item.kind.lower()} “{item.title}” was due on "
                    f"{item.due:%d %B %Y}.",
                    url=item.url,
                )
                audit.record(
                    item.obj,
                    AuditAction.OTHER,
                    changes={"review_due": item.due, "reminder": reminder.pk},
                    message="Review overdue: owners reminded",
                )
        except IntegrityError:
            continue  # already reminded for this due date (possibly by a concurrent run)
        sent += 1
    return sent
