"""Records of the context and people apps, built directly (fast, valid)."""

import datetime
from decimal import Decimal

from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    InterestedParty,
    Measure,
    Measurement,
    Objective,
    PartyFeedback,
    Requirement,
)
from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person

_counter = iter(range(1, 10**6))


def _n() -> int:
    return next(_counter)


def make_issue(**fields) -> ContextIssue:
    n = _n()
    defaults = {
        "number": ContextIssue.objects.count() + n,
        "title": f"Issue {n}",
        "origin": "external",
        "category": "legal",
        "effect": "Some effect.",
        "treatment": "no_action",
        "no_action_reason": "None needed.",
    }
    return ContextIssue.objects.create(**{**defaults, **fields})


def make_climate(**fields) -> ClimateDetermination:
    defaults = {"relevant": False, "reasoning": "No exposure.", "decided_on": datetime.date.today()}
    return ClimateDetermination.objects.create(**{**defaults, **fields})


def make_party(**fields) -> InterestedParty:
    return InterestedParty.objects.create(**{"name": f"Party {_n()}", "kind": "customer", **fields})


def make_requirement(**fields) -> Requirement:
    party = fields.pop("party", None) or make_party()
    defaults = {"title": "Keep data safe", "kind": "legal", "addressed": False}
    return Requirement.objects.create(
        party=party, **{**defaults, "how_addressed": "Out of scope.", **fields}
    )


def make_feedback(**fields) -> PartyFeedback:
    party = fields.pop("party", None) or make_party()
    defaults = {
        "received_on": datetime.date.today(),
        "kind": "complaint",
        "summary": "Slow answer to a questionnaire.",
    }
    return PartyFeedback.objects.create(party=party, **{**defaults, **fields})


def make_measure(**fields) -> Measure:
    n = _n()
    defaults = {
        "number": Measure.objects.count() + n,
        "name": f"Measure {n}",
        "description": "What",
        "method": "How",
        "kind": "recorded",
        "frequency": "monthly",
        "target": Decimal("90"),
    }
    return Measure.objects.create(**{**defaults, **fields})


def make_measurement(**fields) -> Measurement:
    measure = fields.pop("measure", None) or make_measure()
    defaults = {"period": "2026-01", "period_end": datetime.date(2026, 1, 31), "value": 50}
    return Measurement.objects.create(measure=measure, **{**defaults, **fields})


def make_objective(*, owner, **fields) -> Objective:
    n = _n()
    defaults = {
        "number": Objective.objects.count() + n,
        "title": f"Objective {n}",
        "plan": "Do it.",
        "due_date": datetime.date.today() + datetime.timedelta(days=90),
        "evaluation_method": "Look at the measure.",
    }
    return Objective.objects.create(owner=owner, **{**defaults, **fields})


def make_competence(**fields) -> Competence:
    return Competence.objects.create(**{"name": f"Competence {_n()}", **fields})


def make_role(**fields) -> IsmsRole:
    return IsmsRole.objects.create(**{"name": f"Role {_n()}", **fields})


def make_person(**fields) -> Person:
    n = _n()
    return Person.objects.create(**{"name": f"Person {n}", "email": f"p{n}@example.com", **fields})


def make_record(**fields) -> CompetenceRecord:
    defaults = {
        "kind": "certification",
        "title": "Cert",
        "obtained_on": datetime.date.today() - datetime.timedelta(days=100),
    }
    person = fields.pop("person", None) or make_person()
    competence = fields.pop("competence", None) or make_competence()
    return CompetenceRecord.objects.create(
        person=person, competence=competence, **{**defaults, **fields}
    )


def make_campaign(*, policy, **fields) -> AwarenessCampaign:
    defaults = {"title": "Refresher", "due_date": datetime.date.today()}
    return AwarenessCampaign.objects.create(policy=policy, **{**defaults, **fields})
