"""What control assurance registers into the core's extension points."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def dashboard_figures(user) -> list[dict]:
    """Controls never tested, tests overdue, not-effective results, expired evidence."""
    if not user.has_perm("assurance.view_controltest"):
        return []
    from isms.assurance.selectors import assurance_summary

    counts = assurance_summary().as_dict()
    url = str(reverse_lazy("isms:soa"))
    return [
        {
            "label": _("Controls never tested"),
            "value": counts["never_tested"],
            "url": url,
            "help": _("Applicable controls without a concluded test."),
        },
        {
            "label": _("Control tests overdue"),
            "value": counts["overdue"],
            "url": url,
            "help": _("Controls with a test past its due date."),
        },
        {
            "label": _("Controls not effective"),
            "value": counts["not_effective"],
            "url": url,
            "help": _("Controls whose latest test concluded 'not effective'."),
        },
        {
            "label": _("Controls with expired evidence"),
            "value": counts["expired_evidence"],
            "url": url,
            "help": _("Expired evidence no longer counts for the SoA."),
        },
    ]


def register_all() -> None:
    from isms import dashboard

    dashboard.register_figure(dashboard_figures)
