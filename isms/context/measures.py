"""Computed measures: the registry of computations and the period arithmetic.

A computation is `ComputedMeasure(key, label, unit, compute)` where `compute(day)`
returns the value on `day` (a Decimal, or None when there is nothing to measure). The
`isms` computations are registered here; `assets` and `risks` register theirs from
their own AppConfig.ready(), so `isms` never imports them. Each computation is one or
two aggregate queries, whatever the size of the data.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from isms.context.choices import Frequency
from isms.registry import Registry


@dataclass(frozen=True)
class ComputedMeasure:
    key: str
    label: str
    unit: str
    compute: Callable[[datetime.date], Decimal | None]


providers: Registry[str, ComputedMeasure] = Registry(
    "computed measures", key=lambda entry: entry.key
)


def percentage(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in percent, two decimals; None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


def period_of(frequency: str, day: datetime.date) -> tuple[str, datetime.date]:
    """The period key and the last day of the period of `frequency` containing `day`."""
    if frequency == Frequency.DAILY:
        return day.isoformat(), day
    if frequency == Frequency.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}", day + datetime.timedelta(days=7 - day.isoweekday())
    if frequency == Frequency.YEARLY:
        return str(day.year), datetime.date(day.year, 12, 31)
    if frequency == Frequency.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        last_month = quarter * 3
    else:
        quarter, last_month = None, day.month
    first_next = (
        datetime.date(day.year + 1, 1, 1)
        if last_month == 12
        else datetime.date(day.year, last_month + 1, 1)
    )
    end = first_next - datetime.timedelta(days=1)
    if quarter is not None:
        return f"{day.year}-Q{quarter}", end
    return f"{day.year}-{day.month:02d}", end


# --- The computations of isms's own data -----------------------------------------------------


def annex_a_implemented(day: datetime.date) -> Decimal | None:
    """Share of applicable Annex A controls (ISO/IEC 27001) marked implemented."""
    from isms.models import ControlImplementation

    counts = ControlImplementation.objects.filter(
        applicable=True, control__framework__code__startswith="iso27001"
    ).aggregate(whole=Count("pk"), part=Count("pk", filter=Q(status="implemented")))
    return percentage(counts["part"], counts["whole"])


def policy_acknowledgement_rate(day: datetime.date) -> Decimal | None:
    """Share of (active user, published policy) pairs acknowledged."""
    from isms.models import Policy, PolicyAcknowledgement, User

    users = User.objects.filter(is_active=True).count()
    policies = Policy.objects.filter(published_version__isnull=False).count()
    acknowledged = PolicyAcknowledgement.objects.filter(
        version__policy__published_version=F("version"), user__is_active=True
    ).count()
    return percentage(acknowledged, users * policies)


def overdue_reviews(day: datetime.date) -> Decimal | None:
    """Number of documents (scope, policies, context records) past their review date."""
    from isms.context.models import ContextIssue, InterestedParty, Objective
    from isms.models import Policy, Scope

    total = sum(
        model.objects.filter(next_review_due__lt=day).count()
        for model in (Scope, Policy, ContextIssue, InterestedParty, Objective)
    )
    return Decimal(total)


def register_isms_measures() -> None:
    for entry in (
        ComputedMeasure(
            "annex_a_implemented", _("Annex A controls implemented"), "%", annex_a_implemented
        ),
        ComputedMeasure(
            "policy_acknowledgement_rate",
            _("Policy acknowledgement rate"),
            "%",
            policy_acknowledgement_rate,
        ),
        ComputedMeasure("overdue_reviews", _("Overdue reviews"), "", overdue_reviews),
    ):
        providers.register(entry)
