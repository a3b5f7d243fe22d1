"""Step 3: methodology versions, their approval callback and re-scoring every risk."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, F, IntegerField, Value, When

from isms import approvals, audit, numbering
from isms.models.audit import AuditAction
from risks import exposure, scoring
from risks.models import (
    Methodology,
    MethodologyVersion,
    Risk,
)
from risks.selectors import active_version
from risks.services._base import _plain

# --- Methodology (step 3) ---------------------------------------------------------------------


def _methodology() -> Methodology:
    methodology = Methodology.objects.order_by("pk").first()
    if methodology is None:
        methodology = Methodology.objects.create()
        audit.record_created(methodology)
    return methodology


@audit.acts_as_user
@transaction.atomic
def methodology_version_create(
    *, user, preset: str | None = None, change_note: str = ""
) -> MethodologyVersion:
    """Start a draft version: from a preset (5x5, 4x4, 3x3), or as a copy of the active
    version when no preset is named (a copy of the 5x5 preset when none is active)."""
    methodology = _methodology()
    if preset:
        if preset not in scoring.PRESETS:
            raise ValidationError({"preset": f"Unknown preset {preset!r}."})
        content = scoring.preset(preset)
    else:
        current = active_version()
        content = current.content if current else scoring.preset("5x5")
        preset = "" if current else "5x5"
    number = numbering.next_number(
        methodology.versions.all(), sequence=f"risks.methodologyversion:{methodology.pk}"
    )
    version = MethodologyVersion.objects.create(
        methodology=methodology,
        number=number,
        preset=preset or "",
        content=content,
        change_note=change_note,
        author=user,
        last_editor=user,
    )
    audit.record_created(version, message=f"Draft from {preset or 'the active version'}")
    return version


def _raise_content_errors(content: dict) -> None:
    errors = scoring.validate_content(content)
    if errors:
        raise ValidationError(errors)


@audit.acts_as_user
@transaction.atomic
def methodology_version_update(
    *, version: MethodologyVersion, user, content: dict, change_note: str | None = None
) -> MethodologyVersion:
    """Change a draft's content. The matrix must be complete and every level valid."""
    version = MethodologyVersion.objects.select_for_update().get(pk=version.pk)
    approvals.ensure_editable(version)
    _raise_content_errors(content)
    before = audit.snapshot(version)
    version.content = content
    if change_note is not None:
        version.change_note = change_note
    version.last_editor = user
    version.save()
    audit.record_change(version, before)
    return version


@audit.acts_as_user
def methodology_version_submit(*, version: MethodologyVersion, user, comment: str = ""):
    """Submit a draft for management approval (validated first: nothing incomplete is
    ever put in front of management)."""
    _raise_content_errors(version.content)
    return approvals.approval_request_submit(obj=version, user=user, comment=comment)


def methodology_version_editors(version: MethodologyVersion):
    """Who may not approve a version: its author and last editor."""
    return [version.author, version.last_editor]


def methodology_activate(version: MethodologyVersion, request=None) -> int:
    """The approval callback: `version` is now the active methodology. Re-score every
    risk scored by another version (in the approval's transaction). Returns the count."""
    return risks_rescore(version=version)


def _case(field: str, mapping: dict, output_field):
    """CASE field WHEN k THEN v ... END (NULL when unmatched)."""
    return Case(
        *[When(**{field: key}, then=Value(value)) for key, value in mapping.items()],
        default=Value(None),
        output_field=output_field,
    )


def _cell_case(likelihood: str, impact: str, mapping: dict, output_field):
    return Case(
        *[
            When(**{likelihood: li, impact: im}, then=Value(value))
            for (li, im), value in mapping.items()
        ],
        default=Value(None),
        output_field=output_field,
    )


def _rescore_updates(old: scoring.Scale, new: scoring.Scale) -> dict:
    """The UPDATE expressions mapping scores from `old` to `new` (see docs/risks.md).

    Every right-hand side reads the row's values from before the update, as SQL does.
    """
    integer = IntegerField()
    factor = DecimalField(max_digits=8, decimal_places=4)
    money_field = DecimalField(max_digits=18, decimal_places=2)
    l_map = {
        v: scoring.rescale(v, old.size_likelihood, new.size_likelihood)
        for v in range(1, old.size_likelihood + 1)
    }
    i_map = {
        v: scoring.rescale(v, old.size_impact, new.size_impact)
        for v in range(1, old.size_impact + 1)
    }
    levels = {(li, im): new.level_rank(l_map[li], i_map[im]) for li in l_map for im in i_map}
    aro = {li: new.aro(l_map[li]) for li in l_map}
    ef = {im: new.exposure_factor(i_map[im]) for im in i_map}
    updates = {}
    for prefix in ("inherent", "residual"):
        lf, impf = f"{prefix}_likelihood", f"{prefix}_impact"
        updates[lf] = _case(lf, l_map, integer)
        updates[impf] = _case(impf, i_map, integer)
        updates[f"{prefix}_level"] = _cell_case(lf, impf, levels, integer)
    aro_expr = _case("inherent_likelihood", aro, factor)
    ef_expr = _case("inherent_impact", ef, factor)
    raro_expr = _case("residual_likelihood", aro, factor)
    ref_expr = _case("residual_impact", ef, factor)
    updates.update(
        aro=aro_expr,
        exposure_factor=ef_expr,
        residual_aro=raro_expr,
        residual_exposure_factor=ref_expr,
        sle_usd=_product(F("value_at_stake_usd"), ef_expr, output_field=money_field),
        ale_usd=_product(F("value_at_stake_usd"), ef_expr, aro_expr, output_field=money_field),
        residual_ale_usd=_product(
            F("value_at_stake_usd"), ref_expr, raro_expr, output_field=money_field
        ),
    )
    return updates


def _product(*terms, output_field):
    from django.db.models import ExpressionWrapper

    expression = terms[0]
    for term in terms[1:]:
        expression = expression * term
    return ExpressionWrapper(expression, output_field=output_field)


SCORE_FIELDS = (
    "inherent_likelihood",
    "inherent_impact",
    "inherent_level",
    "residual_likelihood",
    "residual_impact",
    "residual_level",
    "ale_usd",
    "version",
)


@transaction.atomic
def risks_rescore(*, version: MethodologyVersion) -> int:
    """Re-score every risk scored by another methodology version onto `version`, by the
    documented mapping (`scoring.rescale`), in one transaction: one UPDATE per previous
    version, one audit event per risk whose scores changed, and one summary event with
    the mapping. Returns the number of risks re-scored."""
    new = version.scale
    total = 0
    previous_ids = (
        Risk.objects.exclude(methodology_version=version)
        .exclude(methodology_version__isnull=True)
        .order_by()
        .values_list("methodology_version", flat=True)
        .distinct()
    )
    mappings = {}
    for old_version in MethodologyVersion.objects.filter(pk__in=list(previous_ids)):
        old = old_version.scale
        affected = Risk.objects.filter(methodology_version=old_version)
        before = list(
            affected.values_list(
                "pk", "ref", "title", "value_at_stake_usd", *SCORE_FIELDS
            ).iterator(chunk_size=5000)
        )
        count = affected.update(
            methodology_version=version, version=F("version") + 1, **_rescore_updates(old, new)
        )
        # The audit changes are computed here by the same mapping as the UPDATE, rather
        # than by reading 100,000 rows back.
        rescored = _rescored(old, new)
        refs, changes_by_pk = [], {}
        for pk, ref, title, value, *old_scores in before:
            new_scores = rescored(value, *old_scores)
            changes = {
                name: [_plain(a), _plain(b)]
                for name, a, b in zip(SCORE_FIELDS, old_scores, new_scores, strict=True)
                if _plain(a) != _plain(b)
            }
            changes["methodology_version"] = [old_version.pk, version.pk]
            changes_by_pk[pk] = changes
            refs.append(_AuditRef(pk, f"{ref} {title}"))
        audit.record_many(
            refs,
            AuditAction.UPDATE,
            changes_for=lambda ref, changes_by_pk=changes_by_pk: changes_by_pk[ref.pk],
            message=f"Re-scored from {old_version} to {version}",
        )
        mappings[str(old_version)] = scoring.mapping_table(old, new)
        total += count
    audit.record(
        version,
        AuditAction.OTHER,
        changes={"rescored": total, "mapping": mappings},
        message=f"Activated: {total} risk(s) re-scored",
    )
    return total


class _AuditRef:
    """What `audit.record_many` needs of a risk (model, pk, text) without building a
    model instance: re-scoring records 100,000 of them."""

    _meta = Risk._meta

    def __init__(self, pk, text):
        self.pk = pk
        self.text = text

    def __str__(self):
        return self.text


def _rescored(old: scoring.Scale, new: scoring.Scale):
    """f(value at stake, *old SCORE_FIELDS) -> the new SCORE_FIELDS, as the UPDATE sets them."""

    def rescore(value, il, ii, _ilevel, rl, ri, _rlevel, _ale, version):
        nil = scoring.rescale(il, old.size_likelihood, new.size_likelihood)
        nii = scoring.rescale(ii, old.size_impact, new.size_impact)
        nrl = scoring.rescale(rl, old.size_likelihood, new.size_likelihood)
        nri = scoring.rescale(ri, old.size_impact, new.size_impact)
        ale = exposure.money(value, new.exposure_factor(nii), new.aro(nil))
        return (
            nil,
            nii,
            new.level_rank(nil, nii),
            nrl,
            nri,
            new.level_rank(nrl, nri),
            ale,
            version + 1,
        )

    return rescore
