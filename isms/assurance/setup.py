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
    tests = str(reverse_lazy("assurance:test_list"))
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
            "url": f"{tests}?overdue=true",
            "help": _("Controls with a test past its due date."),
        },
        {
            "label": _("Controls not effective"),
            "value": counts["not_effective"],
            "url": f"{tests}?last_conclusion=not_effective",
            "help": _("Controls whose latest test concluded 'not effective'."),
        },
        {
            "label": _("Controls with expired evidence"),
            "value": counts["expired_evidence"],
            "url": url,
            "help": _("Expired evidence no longer counts for the SoA."),
        },
    ]


RESULTS_HEADER = [
    "framework",
    "control",
    "test",
    "method",
    "frequency (months)",
    "due",
    "tested on",
    "tester",
    "sample",
    "conclusion",
    "evidence",
    "remarks",
]


def results_pack_files(user):
    """The control tests and every result (effectiveness) for the audit pack."""
    from isms.assurance.models import ControlTestResult
    from isms.exports import csv_bytes
    from isms.governance.audit_pack import PackFile

    rows = (
        [
            r.test.implementation.control.framework.code,
            r.test.implementation.control.identifier,
            r.test.title,
            r.test.get_method_display(),
            r.test.frequency,
            r.due_date.isoformat(),
            r.performed_on.isoformat() if r.performed_on else "",
            r.tester.get_username() if r.tester else "",
            r.sample,
            r.get_conclusion_display() if r.conclusion else r.get_status_display(),
            "; ".join(e.title for e in r.evidence.all()),
            r.remarks,
        ]
        for r in ControlTestResult.objects.select_related(
            "test__implementation__control__framework", "tester"
        )
        .prefetch_related("evidence")
        .order_by("test__implementation__control__sort_order", "test_id", "due_date")
    )
    yield PackFile(
        "10-evidence/control-test-results.csv",
        csv_bytes(RESULTS_HEADER, rows),
        "Control tests and their results: date, tester, sample, conclusion, evidence",
    )


def register_all() -> None:
    from isms import dashboard, navigation
    from isms.governance import audit_pack

    dashboard.register_figure(dashboard_figures)
    audit_pack.register(results_pack_files)
    # No permission: a tester without a role finds the tests assigned to them there.
    navigation.register(
        navigation.Item(
            _("Control tests"),
            "assurance:test_list",
            "bi-clipboard-check",
            section=navigation.ASSURANCE,
        )
    )
