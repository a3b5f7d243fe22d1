"""What the asset inventory and the AWS checks give the management review (9.3.2 d) 2),
monitoring results): findings opened and resolved since the last review, open findings
by severity, and each account's posture then and now. Registered in
AssetsConfig.ready() into `isms.audits.review_inputs` (isms never imports assets)."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assets.choices import FindingStatus, Severity
from assets.models import AwsAccount, Finding, PostureSnapshot


def security_posture() -> dict:
    """Findings opened/resolved since the last review, open by severity, and the open
    findings of each account at the start of the period and now (three queries)."""
    from isms.audits.review_inputs import period_start

    since = period_start()
    by_severity = {
        severity: Count("pk", filter=Q(status=FindingStatus.OPEN, severity=severity))
        for severity in Severity.values
    }
    counts = Finding.objects.aggregate(
        open=Count("pk", filter=Q(status=FindingStatus.OPEN)),
        opened=Count("pk", filter=Q(first_seen__date__gte=since)),
        resolved=Count("pk", filter=Q(resolved_at__date__gte=since)),
        **by_severity,
    )
    snapshots = PostureSnapshot.objects.filter(account=OuterRef("pk"))
    accounts = AwsAccount.objects.annotate(
        now=Subquery(snapshots.order_by("-taken_at", "-pk").values("open_findings")[:1]),
        then=Subquery(
            snapshots.filter(taken_at__date__lte=since)
            .order_by("-taken_at", "-pk")
            .values("open_findings")[:1]
        ),
    ).order_by("pk")
    rows = [
        {
            "account": str(account),
            "open_at_period_start": account.then,
            "open_now": account.now,
            "trend": _trend(account.then, account.now),
        }
        for account in accounts
    ]
    return {
        "summary": _(
            "Since %(since)s: %(opened)s findings opened, %(resolved)s resolved; %(open)s open now."
        )
        % {**counts, "since": since.isoformat()},
        "figures": [
            {"label": _("Opened since the last review"), "value": counts["opened"]},
            {"label": _("Resolved since the last review"), "value": counts["resolved"]},
            {"label": _("Open now"), "value": counts["open"]},
            *(
                {"label": _("Open, %s") % label, "value": counts[value]}
                for value, label in Severity.choices
            ),
        ],
        "rows": rows,
    }


def _trend(then, now) -> str:
    if then is None or now is None:
        return _("no comparison")
    if now < then:
        return _("improving")
    if now > then:
        return _("worsening")
    return _("stable")


def register() -> None:
    from isms.audits import review_inputs

    review_inputs.register(
        review_inputs.ReviewInput(
            key="security_posture",
            clause="9.3.2 d) 2)",
            title=gettext_lazy("Monitoring: security posture and findings"),
            collect=security_posture,
            order=42,
        )
    )
