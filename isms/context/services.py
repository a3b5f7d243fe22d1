"""Writes of the context, interested parties, objectives and measures: each one
validates the whole record (field errors, nothing half-saved), saves it and writes the
audit trail in the same transaction."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from isms import audit, numbering
from isms.context import measures
from isms.context.choices import MeasureKind
from isms.context.models import (
    ClimateDetermination,
    ContextIssue,
    Measure,
    Measurement,
    Objective,
    Requirement,
)

NUMBERED = {
    ContextIssue: "context.contextissue",
    Objective: "context.objective",
    Measure: "context.measure",
}


def _save(instance: models.Model, data: dict, *, m2m: dict | None = None) -> models.Model:
    """Apply `data` (fields) and `m2m` (many-to-many values) to `instance`, validate the
    whole record, save it and record the change. The caller holds the transaction."""
    creating = instance.pk is None
    before = {} if creating else audit.snapshot(instance)
    for name, value in data.items():
        setattr(instance, name, value)
    if creating and type(instance) in NUMBERED:
        instance.number = numbering.next_number(
            type(instance).objects.all(), sequence=NUMBERED[type(instance)]
        )
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    if creating:
        audit.record_created(instance)
    else:
        audit.record_change(instance, before)
    return instance


def _split(model: type[models.Model], data: dict) -> tuple[dict, dict]:
    m2m_names = {f.name for f in model._meta.many_to_many}
    fields = {k: v for k, v in data.items() if k not in m2m_names}
    return fields, {k: v for k, v in data.items() if k in m2m_names}


@audit.acts_as_user
@transaction.atomic
def record_save(*, user, model: type[models.Model], data: dict, instance=None) -> models.Model:
    """Create (no `instance`) or change a context issue, interested party, feedback from
    a party, objective or measure from validated `data`."""
    fields, m2m = _split(model, data)
    return _save(instance or model(), fields, m2m=m2m)


@audit.acts_as_user
@transaction.atomic
def record_delete(*, user, instance: models.Model) -> None:
    """Delete a record of the context, recording it first. A record others still point
    at (a party with feedback) is refused, naming what holds it, and nothing changes."""
    audit.record_deleted(instance)
    try:
        instance.delete()
    except models.ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise ValidationError(
            _("%(record)s cannot be deleted while it has %(what)s; delete those first.")
            % {"record": instance, "what": ", ".join(kinds)}
        ) from exc


@audit.acts_as_user
@transaction.atomic
def requirement_save(*, user, data: dict, instance: Requirement | None = None) -> Requirement:
    """Create or change a requirement of an interested party. An addressed requirement is
    linked to at least one control, policy or objective; one not addressed says why."""
    fields, m2m = _split(Requirement, data)
    current = instance or Requirement()
    linked = any(
        m2m[name] if name in m2m else (instance is not None and getattr(instance, name).exists())
        for name in ("controls", "policies", "objectives")
    )
    addressed = fields.get("addressed", current.addressed)
    reason = fields.get("how_addressed", current.how_addressed)
    if addressed and not linked:
        raise ValidationError(
            {"controls": _("Link the requirement to a control, a policy or an objective.")}
        )
    if not addressed and not reason.strip():
        raise ValidationError({"how_addressed": _("Say why the requirement is not addressed.")})
    return _save(current, fields, m2m=m2m)


@audit.acts_as_user
@transaction.atomic
def climate_determine(*, user, data: dict) -> ClimateDetermination:
    """Record the climate-change determination of a context review, attached to the
    open scope version so that it is approved with it."""
    determination = ClimateDetermination(decided_by=user)
    data = {"decided_on": timezone.localdate(), **data}
    return _save(determination, data)


@audit.acts_as_user
@transaction.atomic
def measurement_record(
    *, user, measure: Measure, value: Decimal, day: datetime.date | None = None, note: str = ""
) -> Measurement:
    """Store `value` as the measure's value for the period containing `day` (today by
    default). Recording twice in a period replaces the value: one per period."""
    day = day or timezone.localdate()
    period, period_end = measures.period_of(measure.frequency, day)
    measurement, created = Measurement.objects.select_for_update().get_or_create(
        measure=measure,
        period=period,
        defaults={"period_end": period_end, "value": value, "note": note, "recorded_by": user},
    )
    if created:
        audit.record_created(measurement)
    elif measurement.value != value or measurement.note != note:
        before = audit.snapshot(measurement)
        measurement.value, measurement.note, measurement.recorded_by = value, note, user
        measurement.save()
        audit.record_change(measurement, before)
    return measurement


@audit.acts_as_user
def measures_compute(*, user=None, day: datetime.date | None = None) -> int:
    """Take every computed measure for the period containing `day`: idempotent, one
    value per measure and period. Returns how many values were stored or updated."""
    day = day or timezone.localdate()
    stored = 0
    for measure in Measure.objects.filter(kind=MeasureKind.COMPUTED).exclude(provider=""):
        entry = measures.providers.get(measure.provider)
        if entry is None:
            continue
        value = entry.compute(day)
        if value is None:
            continue
        measurement_record(user=user, measure=measure, value=value, day=day)
        stored += 1
    return stored
