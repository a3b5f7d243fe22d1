"""Steps 4 and 5: creating, scoring, editing and revaluing risks."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from isms import audit, numbering
from isms.errors import StaleVersion
from isms.models.audit import AuditAction
from risks import exposure, scoring
from risks.choices import RiskStatus
from risks.models import (
    MethodologyVersion,
    Risk,
    format_ref,
)
from risks.permissions import editable_fields
from risks.selectors import active_version
from risks.services import treatment
from risks.services._base import _json, _plain
from risks.services.acceptance import (
    risk_acceptance_check,
)

# --- Errors ---------------------------------------------------------------------------------


class RiskConflict(StaleVersion):
    """A save based on an older version of the risk: refused, nothing changed.

    `changes` lists what others changed since that version: dicts of actor, time and
    {field: [old, new]}, newest first. `risk` is the current state.
    """

    def __init__(self, risk: Risk, expected_version: int, changes: list[dict]):
        self.risk = risk
        self.expected_version = expected_version
        fields = sorted({name for change in changes for name in change["fields"]})
        super().__init__(
            f"{risk.ref} was changed by someone else since you opened it "
            f"(version {expected_version} -> {risk.version})"
            + (f": {', '.join(fields)}." if fields else "."),
            current_version=risk.version,
            changes=changes,
        )


# --- Risks (steps 4 and 5) --------------------------------------------------------------------


def _scale_errors(data: dict, scale: scoring.Scale | None) -> dict:
    errors = {}
    for prefix in ("inherent", "residual"):
        for axis, size in (
            ("likelihood", scale.size_likelihood if scale else 0),
            ("impact", scale.size_impact if scale else 0),
        ):
            name = f"{prefix}_{axis}"
            value = data.get(name)
            if value is None:
                continue
            if scale is None:
                errors[name] = "No methodology is approved yet: scores cannot be given."
            elif not 1 <= value <= size:
                errors[name] = f"Must be between 1 and {size} on the active {axis} scale."
    return errors


def _derive(risk: Risk, version: MethodologyVersion | None, value_at_stake: Decimal) -> None:
    """Set the levels and $ figures of `risk` from its scores (never typed in)."""
    scale = version.scale if version else None
    risk.methodology_version = version
    risk.value_at_stake_usd = value_at_stake
    if scale is None:
        return
    risk.inherent_level = scale.level_rank(risk.inherent_likelihood, risk.inherent_impact)
    risk.aro = scale.aro(risk.inherent_likelihood)
    risk.exposure_factor = scale.exposure_factor(risk.inherent_impact)
    risk.sle_usd = exposure.money(value_at_stake, risk.exposure_factor)
    risk.ale_usd = exposure.money(value_at_stake, risk.exposure_factor, risk.aro)
    risk.residual_level = scale.level_rank(risk.residual_likelihood, risk.residual_impact)
    risk.residual_aro = scale.aro(risk.residual_likelihood)
    risk.residual_exposure_factor = scale.exposure_factor(risk.residual_impact)
    risk.residual_ale_usd = exposure.money(
        value_at_stake, risk.residual_exposure_factor, risk.residual_aro
    )


def _check_fields(user, risk: Risk | None, data: dict) -> None:
    allowed = set(editable_fields(user, risk))
    if not allowed:
        raise PermissionDenied("You may not edit this risk.")
    forbidden = sorted(set(data) - allowed)
    if forbidden:
        raise PermissionDenied(f"You may not change: {', '.join(forbidden)}.")
    if data.get("findings") and not user.has_perm("assets.view_finding"):
        raise PermissionDenied("You may not see security findings, so you may not link them.")


def _check_findings(data: dict) -> None:
    """Findings given by id must exist (instances from forms and serializers do)."""
    from assets.models import Finding

    ids = {getattr(f, "pk", f) for f in data.get("findings") or ()}
    if not ids:
        return
    known = set(Finding.objects.filter(pk__in=ids).values_list("pk", flat=True))
    unknown = sorted(ids - known, key=str)
    if unknown:
        raise ValidationError(
            {"findings": f"Unknown finding(s): {', '.join(str(pk) for pk in unknown)}."}
        )


M2M = ("assets", "controls", "findings")


def _apply(risk: Risk, data: dict) -> dict:
    """Set plain fields; return the many-to-many values to set after saving."""
    related = {}
    for name, value in data.items():
        if name in M2M:
            related[name] = list(value) if value is not None else []
        else:
            setattr(risk, name, value)
    return related


@audit.acts_as_user
def risk_create(*, user, data: dict) -> Risk:
    """Create a risk with a generated reference (R-001...), scored by the active
    methodology. `data` holds form or API values (`assets` required)."""
    _check_fields(user, None, data)
    if not data.get("assets"):
        raise ValidationError({"assets": "Choose at least one asset."})
    _check_findings(data)
    version = active_version()
    errors = _scale_errors(data, version.scale if version else None)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _risk_insert(user=user, data=data, version=version)


def _risk_insert(*, user, data, version) -> Risk:
    number = numbering.next_number(Risk.objects.all(), sequence="risks.risk")
    risk = Risk(number=number, ref=format_ref(number), updated_by=user)
    related = _apply(risk, data)
    risk.save()
    for name, values in related.items():
        getattr(risk, name).set(values)
    value = exposure.values_at_stake([risk.pk]).get(risk.pk, Decimal("0"))
    _derive(risk, version, value)
    # Raising rolls the insert back.
    risk_acceptance_check(risk=risk, user=user, version=version, changed=set(data))
    risk.save()
    audit.record_created(risk)
    return risk


def changes_since(risk: Risk, version: int) -> list[dict]:
    """What was changed on `risk` after `version`, from the audit trail, newest first."""
    result = []
    for event in audit.history(risk).order_by("-timestamp", "-id")[:50]:
        versions = event.changes.get("version") if isinstance(event.changes, dict) else None
        if not versions or not isinstance(versions, list) or (versions[1] or 0) <= version:
            continue
        result.append(
            {
                "actor": event.actor_repr or event.source,
                "timestamp": event.timestamp,
                "fields": {
                    name: values
                    for name, values in event.changes.items()
                    if name not in ("version", "updated_at", "updated_by")
                },
            }
        )
    return result


@audit.acts_as_user
@transaction.atomic
def risk_update(*, risk: Risk, user, data: dict, expected_version: int) -> Risk:
    """Change a risk. Refused with `RiskConflict` (nothing changed) when the risk moved
    past `expected_version` since the user loaded it; fields the user may not change
    raise PermissionDenied; scores outside the scale and a forbidden status raise
    ValidationError naming the field."""
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if expected_version != risk.version:
        raise RiskConflict(risk, expected_version, changes_since(risk, expected_version))
    data = {name: value for name, value in data.items() if _differs(risk, name, value)}
    if not data:
        return risk
    _check_fields(user, risk, data)
    if "assets" in data and not data["assets"]:
        raise ValidationError({"assets": "A risk needs at least one asset."})
    _check_findings(data)
    version = active_version()
    scores = {
        name: data.get(name, getattr(risk, name))
        for name in (
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
        )
    }
    errors = _scale_errors(scores, version.scale if version else None)
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(risk)
    related = _apply(risk, data)
    for name, values in related.items():
        getattr(risk, name).set(values)
    value = (
        exposure.values_at_stake([risk.pk]).get(risk.pk, Decimal("0"))
        if "assets" in related
        else risk.value_at_stake_usd
    )
    _derive(risk, version, value)
    risk_acceptance_check(risk=risk, user=user, version=version, changed=set(data))
    risk.version += 1
    risk.updated_by = user
    risk.save()
    audit.record_change(risk, before)
    treatment.risk_acceptances_withdraw_stale(risk=risk)
    return risk


def _differs(risk: Risk, name: str, value) -> bool:
    if name in M2M:
        current = set(getattr(risk, name).values_list("pk", flat=True))
        return current != {getattr(v, "pk", v) for v in (value or [])}
    current = getattr(risk, name)
    return current != value


BULK_FIELDS = ("status", "owner", "treatment", "review_date")


@audit.acts_as_user
@transaction.atomic
def risk_bulk_update(*, user, risk_ids: list[int], data: dict) -> int:
    """Set the same status, owner, treatment or review date on many risks at once:
    all or nothing. Security managers only. Returns the number of risks changed."""
    if not user.has_perm("risks.change_risk"):
        raise PermissionDenied("Only security managers edit risks in bulk.")
    data = {name: value for name, value in data.items() if name in BULK_FIELDS}
    if not data or not risk_ids:
        raise ValidationError("Choose at least one risk and one change.")
    risks = list(Risk.objects.select_for_update().filter(pk__in=risk_ids).order_by("number"))
    version = active_version()
    fields = sorted({*data, "accepted_until", "review_date"})
    befores = {r.pk: {name: _json(getattr(r, name)) for name in fields} for r in risks}
    refused = []
    for risk in risks:
        for name, value in data.items():
            setattr(risk, name, value)
        # The same acceptance rules as a single edit, risk by risk.
        try:
            risk_acceptance_check(risk=risk, user=user, version=version, changed=set(data))
        except ValidationError as exc:
            refused.extend(exc.message_dict.get("status", exc.messages))
    if refused:
        raise ValidationError({"status": refused})
    now = timezone.now()
    for risk in risks:
        risk.version += 1
        risk.updated_by = user
        risk.updated_at = now
    Risk.objects.bulk_update(
        risks, [*fields, "version", "updated_by", "updated_at"], batch_size=500
    )
    audit.record_many(
        risks,
        AuditAction.UPDATE,
        changes_for=lambda r: {
            **{
                n: [befores[r.pk][n], _json(getattr(r, n))]
                for n in fields
                if befores[r.pk][n] != _json(getattr(r, n))
            },
            "version": [r.version - 1, r.version],
        },
        message="Bulk edit",
    )
    for risk in risks:
        treatment.risk_acceptances_withdraw_stale(risk=risk)
    return len(risks)


@audit.acts_as_user
@transaction.atomic
def risks_review_for_control(*, control_id: int, reason: str, user=None) -> list[Risk]:
    """Put every open risk treated by control `control_id` up for review today: its review
    date moves to today (never later than it was), so the risk register shows it due and
    the daily review reminders tell its owner. For a control found not effective
    (`isms.assurance` follow-up, registered in RisksConfig.ready()); `user` is None when
    the daily evaluation of automated tests finds it. Returns the risks moved."""
    today = timezone.localdate()
    risks = list(
        Risk.objects.select_for_update()
        .filter(controls__id=control_id)
        .exclude(status=RiskStatus.CLOSED)
        .exclude(review_date__lte=today)
        .order_by("number")
    )
    if not risks:
        return []
    befores = {risk.pk: risk.review_date for risk in risks}
    now = timezone.now()
    for risk in risks:
        risk.review_date = today
        risk.version += 1
        risk.updated_at = now
        if user is not None:
            risk.updated_by = user
    Risk.objects.bulk_update(risks, ["review_date", "version", "updated_by", "updated_at"])
    audit.record_many(
        risks,
        AuditAction.UPDATE,
        changes_for=lambda r: {
            "review_date": [_json(befores[r.pk]), _json(r.review_date)],
            "version": [r.version - 1, r.version],
        },
        message=f"Up for review: {reason}",
    )
    return risks


@audit.acts_as_user
@transaction.atomic
def risk_delete(*, risk: Risk, user) -> None:
    """Delete a risk (security managers), keeping its last state in the audit trail."""
    if not user.has_perm("risks.delete_risk"):
        raise PermissionDenied("You may not delete risks.")
    audit.record_deleted(risk)
    risk.delete()


@transaction.atomic
def risks_revalue(*, asset_ids) -> int:
    """Recompute value at stake, SLE and ALE of every risk on these assets, in bulk
    (a listener of `assets.hooks.value_at_stake_listeners`). Scores and `version`
    are untouched: derived $ figures never conflict with someone's edit."""
    asset_ids = sorted(set(asset_ids))
    risk_ids: set[int] = set()
    # In chunks: an import can change thousands of assets, and SQLite bounds the
    # number of parameters of one statement.
    for start in range(0, len(asset_ids), exposure.CHUNK):
        chunk = asset_ids[start : start + exposure.CHUNK]
        links = Risk.assets.through.objects.filter(asset_id__in=chunk)
        risk_ids.update(links.values_list("risk_id", flat=True))
    if not risk_ids:
        return 0
    values = exposure.values_at_stake(risk_ids)
    ids = sorted(risk_ids)
    changed = 0
    for start in range(0, len(ids), exposure.CHUNK):
        chunk = ids[start : start + exposure.CHUNK]
        changed += _store_values(Risk.objects.filter(pk__in=chunk), values)
    return changed


def _store_values(queryset, values: dict) -> int:
    changed = []
    for risk in queryset.only(
        "id",
        "ref",
        "title",
        "value_at_stake_usd",
        "exposure_factor",
        "aro",
        "residual_exposure_factor",
        "residual_aro",
        "sle_usd",
        "ale_usd",
        "residual_ale_usd",
    ):
        value = values.get(risk.pk, Decimal("0"))
        old = (risk.value_at_stake_usd, risk.ale_usd)
        risk.value_at_stake_usd = value
        risk.sle_usd = exposure.money(value, risk.exposure_factor)
        risk.ale_usd = exposure.money(value, risk.exposure_factor, risk.aro)
        risk.residual_ale_usd = exposure.money(
            value, risk.residual_exposure_factor, risk.residual_aro
        )
        if (risk.value_at_stake_usd, risk.ale_usd) != old:
            risk._old = old
            changed.append(risk)
    Risk.objects.bulk_update(
        changed,
        ["value_at_stake_usd", "sle_usd", "ale_usd", "residual_ale_usd"],
        batch_size=1000,
    )
    audit.record_many(
        changed,
        AuditAction.UPDATE,
        changes_for=lambda r: {
            "value_at_stake_usd": [str(r._old[0]), str(r.value_at_stake_usd)],
            "ale_usd": [_plain(r._old[1]), _plain(r.ale_usd)],
        },
        message="Assets' value at stake changed",
    )
    return len(changed)
