"""The "nonconformity" and "improvement" follow-ups of an incident's lessons learned
(registered in `IncidentsConfig.ready()` into `risks.incidents.hooks.follow_ups`): a
record of the NC/OFI register of `isms.audits`, raised through its
`raise_nonconformity` service with the incident as the source.

For a nonconformity, the requirement not met is the free reference given in
`data["requirement_ref"]`, else the first ISO/IEC 27001 control evidenced by the
incident's findings, else the organisation's information security policy (its own
requirement, 10.2): the security manager refines it when analysing the root cause. An
improvement action is an opportunity for improvement (10.1): nothing was breached,
something can be done better.

The register keeps one record per source, so an incident raises one of them, once:
raising the same kind again returns the first record; raising the other kind is refused
(add the improvement as an action of the nonconformity instead)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from isms.audits.models import NcSeverity, NonconformityKind, Origin
from isms.audits.services.nonconformities import raise_nonconformity
from isms.models import Control
from risks.incidents.choices import REVIEW_REQUIRED_FROM
from risks.incidents.hooks import FollowUp


def _requirement(incident):
    identifiers = []
    for finding in incident.findings.all():
        check = finding.definition
        identifiers.extend(check.iso27001 if check is not None else ())
    if not identifiers:
        return None
    known = {
        c.identifier: c
        for c in Control.objects.filter(framework__code="iso27001-2022", identifier__in=identifiers)
    }
    return next((known[i] for i in identifiers if i in known), None)


def _description(incident, data: dict) -> str:
    description = (data.get("description") or "").strip() or incident.lessons_learned
    return f"{description}\n\n" + _("Raised from incident %s.") % incident.ref


def _one_per_incident(record, kind: str):
    """`record` as raised, or ValidationError when the incident already raised a record
    of the other kind (returned unchanged by the register: nothing was created)."""
    if record.kind != kind:
        raise ValidationError(
            {
                "kind": _(
                    "%(ref)s was already raised from this incident, and the register keeps "
                    "one record per incident: add this as an action of %(ref)s."
                )
                % {"ref": record.ref}
            },
            code="already_raised",
        )
    return record


def raise_nc(*, incident, user, data: dict):
    """A nonconformity raised from the incident: major when the incident was severe."""
    requirement_ref = (data.get("requirement_ref") or "").strip()
    requirement = None if requirement_ref else _requirement(incident)
    if requirement is None and not requirement_ref:
        requirement_ref = _("Information security policy (incident %s)") % incident.ref
    record = raise_nonconformity(
        title=data["title"].strip(),
        description=_description(incident, data),
        severity=NcSeverity.MAJOR
        if incident.severity >= REVIEW_REQUIRED_FROM
        else NcSeverity.MINOR,
        raised_by=user,
        source=incident,
        requirement=requirement,
        requirement_ref=requirement_ref,
        origin=Origin.INCIDENT,
    )
    return _one_per_incident(record, NonconformityKind.NONCONFORMITY)


def raise_improvement(*, incident, user, data: dict):
    """An opportunity for improvement (OFI-nnn) raised from the lessons learned: no
    severity and no requirement breached; its actions are planned in the register."""
    record = raise_nonconformity(
        title=data["title"].strip(),
        description=_description(incident, data),
        severity="",
        raised_by=user,
        source=incident,
        origin=Origin.INCIDENT,
        kind=NonconformityKind.IMPROVEMENT,
    )
    return _one_per_incident(record, NonconformityKind.IMPROVEMENT)


NONCONFORMITY = FollowUp(
    "nonconformity",
    gettext_lazy("Nonconformity"),
    permission="audits.add_nonconformity",
    raise_=raise_nc,
)
IMPROVEMENT = FollowUp(
    "improvement",
    gettext_lazy("Improvement action (opportunity for improvement)"),
    permission="audits.add_nonconformity",
    raise_=raise_improvement,
)
