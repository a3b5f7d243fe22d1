"""Demo context: issues with a climate-change decision, eight interested parties with
their requirements, five objectives with measures and six months of history, and two
pieces of feedback from parties (one closed, one open)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from isms.context import services
from isms.context.models import ContextIssue, InterestedParty, Measure, Objective, PartyFeedback
from isms.models import Control, Policy, Scope, User

ISSUES = [
    (
        "Cloud-only infrastructure on AWS",
        "internal",
        "technological",
        "Availability and confidentiality depend on AWS and on our configuration of it.",
        "control",
    ),
    (
        "UK GDPR and the Data (Use and Access) Act",
        "external",
        "legal",
        "Personal data of customers must be protected; breaches are notifiable.",
        "risk",
    ),
    (
        "Tight labour market for security staff",
        "external",
        "economic",
        "Few people to run the ISMS; competence must be built in-house.",
        "objective",
    ),
    (
        "Remote-first workforce",
        "internal",
        "organisational",
        "Endpoints and home networks are outside our premises.",
        "control",
    ),
    (
        "Climate change: heat waves and flooding in AWS regions",
        "external",
        "environmental",
        "Could affect the availability of the eu-west-2 region; AWS runs multi-AZ sites.",
        "risk",
    ),
    (
        "Customer expectations of certification",
        "external",
        "social",
        "Enterprise customers ask for ISO/IEC 27001 certification before signing.",
        "no_action",
    ),
]
PARTIES = [
    ("Customers", "customer", [("Protection of personal data (UK GDPR)", "legal")]),
    ("Card schemes", "regulator", [("PCI DSS for the payment flow", "contractual")]),
    ("Information Commissioner's Office", "regulator", [("Breach notification in 72 h", "legal")]),
    ("Amazon Web Services", "supplier", [("Shared-responsibility model respected", "contractual")]),
    ("Staff", "staff", [("Clear rules and training", "other")]),
    (
        "Investors",
        "shareholder",
        [
            ("Availability of the platform", "other"),
            ("Climate-related disclosure of operational risks", "climate"),
        ],
    ),
    ("Payment service provider", "supplier", [("Tokenised card data only", "contractual")]),
    ("Insurer", "partner", [("Cyber insurance: MFA everywhere", "contractual")]),
]
MEASURES = [
    (
        "Annex A controls implemented",
        "computed",
        "annex_a_implemented",
        "monthly",
        "%",
        Decimal("90"),
        "at_least",
        [55, 62, 70, 76, 81, 86],
    ),
    (
        "Policy acknowledgement rate",
        "computed",
        "policy_acknowledgement_rate",
        "monthly",
        "%",
        Decimal("95"),
        "at_least",
        [60, 72, 80, 88, 91, 97],
    ),
    (
        "Phishing simulation click rate",
        "recorded",
        "",
        "monthly",
        "%",
        Decimal("5"),
        "at_most",
        [18, 14, 11, 9, 7, 6],
    ),
    (
        "Overdue reviews",
        "computed",
        "overdue_reviews",
        "monthly",
        "",
        Decimal("0"),
        "at_most",
        [6, 4, 3, 2, 1, 0],
    ),
    (
        "Backup restore tests passed",
        "recorded",
        "",
        "monthly",
        "%",
        Decimal("100"),
        "at_least",
        [80, 100, 100, 90, 100, 100],
    ),
]
OBJECTIVES = [
    "Implement the applicable Annex A controls",
    "Every member of staff has read the policies",
    "Reduce susceptibility to phishing",
    "Keep every ISMS document reviewed on time",
    "Prove that backups can be restored",
]


def _months_back(today: datetime.date, count: int):
    year, month = today.year, today.month
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        yield datetime.date(year, month, 15)


# (party, days ago, kind, summary, response, closed)
FEEDBACK = [
    (
        "Customers",
        25,
        "complaint",
        "A customer waited nine days for an answer to a security questionnaire.",
        "Questionnaire answers now come from the approved SoA; target five working days.",
        True,
    ),
    (
        "Insurer",
        8,
        "audit_remark",
        "Renewal assessment: MFA is not enforced on the break-glass AWS account.",
        "",
        False,
    ),
]


def load(stdout) -> None:
    if not Objective.objects.exists():
        _context(stdout)
    _feedback(stdout)


def _feedback(stdout) -> None:
    """The feedback entries, once (nothing if any feedback is recorded already)."""
    if PartyFeedback.objects.exists():
        return
    security = User.objects.get(username="security")
    parties = {p.name: p for p in InterestedParty.objects.filter(name__in=[f[0] for f in FEEDBACK])}
    today = timezone.localdate()
    for name, days, kind, summary, response, closed in FEEDBACK:
        if name not in parties:
            continue
        services.record_save(
            user=security,
            model=PartyFeedback,
            data={
                "party": parties[name], "received_on": today - datetime.timedelta(days=days),
                "kind": kind, "summary": summary, "response": response, "closed": closed,
            },
        )  # fmt: skip
    stdout.write("  Context: feedback from 2 interested parties (1 open)")


def _context(stdout) -> None:
    security = User.objects.get(username="security")
    today = timezone.localdate()
    policy = Policy.objects.filter(reference="POL-01").first()
    control = Control.objects.filter(implementation__isnull=False).order_by("pk").first()

    measures = []
    for name, kind, provider, frequency, unit, target, direction, history in MEASURES:
        measure = services.record_save(
            user=security,
            model=Measure,
            data={
                "name": name, "description": name, "method": "See the ISMS manual.",
                "kind": kind, "provider": provider, "frequency": frequency, "unit": unit,
                "target": target, "direction": direction, "measured_by": security,
                "analysed_by": security,
            },
        )  # fmt: skip
        days = list(_months_back(today, len(history)))[::-1]
        for day, value in zip(days, history, strict=True):
            services.measurement_record(
                user=security, measure=measure, value=Decimal(value), day=day
            )
        measures.append(measure)
    objectives = []
    for title, measure in zip(OBJECTIVES, measures, strict=True):
        objectives.append(
            services.record_save(
                user=security,
                model=Objective,
                data={
                    "title": title,
                    "policy": policy,
                    "plan": title + ".",
                    "owner": security,
                    "resources": "ISMS team, 2 days a month",
                    "status": "in_progress",
                    "due_date": today + datetime.timedelta(days=180),
                    "measure": measure,
                    "evaluation_method": f"{measure.name} against its target, monthly.",
                },
            )  # fmt: skip
        )
    for title, origin, category, effect, treatment in ISSUES:
        data = {
            "title": title, "origin": origin, "category": category, "effect": effect,
            "treatment": treatment,
        }  # fmt: skip
        if treatment == "risk":
            data["risk_reference"] = "R-001"
        elif treatment == "objective":
            data["objective"] = objectives[1]
        elif treatment == "control":
            if control is None:
                data.update(treatment="no_action", no_action_reason="Covered by AWS.")
            else:
                data["control"] = control
        else:
            data["no_action_reason"] = "Addressed by the certification project itself."
        services.record_save(user=security, model=ContextIssue, data=data)
    scope = Scope.objects.order_by("pk").first()
    version = scope.current_version if scope else None
    for name, kind, requirements in PARTIES:
        party = services.record_save(
            user=security, model=InterestedParty,
            data={"name": name, "kind": kind, "scope_versions": [version] if version else []},
        )  # fmt: skip
        for title, req_kind in requirements:
            services.requirement_save(
                user=security,
                data={
                    "party": party, "title": title, "kind": req_kind, "addressed": True,
                    "how_addressed": "Through the policies and objectives.",
                    "policies": [policy] if policy else [], "objectives": [objectives[0]],
                },
            )  # fmt: skip
    services.climate_determine(
        user=security,
        data={
            "scope_version": version,
            "relevant": True,
            "reasoning": "Heat waves and flooding may affect the AWS region we run in; "
            "investors ask for climate-related disclosure. Addressed by risk R-001 "
            "(multi-AZ design) and the investors' requirement.",
        },
    )
    stdout.write("  Context: 6 issues, climate decision, 8 parties, 5 objectives, 5 measures")
