"""Automated evidence: the extension point through which AWS checks feed control pages
and the SoA, without `isms` importing `assets`.

The AWS connector registers one provider in its AppConfig.ready():

    from isms.frameworks import evidence
    evidence.register_provider(findings_by_control)

A provider takes a list of control ids and the viewer, and returns, in a constant number
of queries, ``{control_id: [CheckEvidence, ...]}`` for the controls it knows, as far as
the viewer may see the check results. With no provider registered, pages and the SoA
say "no automated evidence".

The ISMS's own registers (suppliers, incidents, continuity) evidence their Annex A
controls with `RecordFigure`s instead (`register_figures`): counts of records meeting a
rule, all counted in one statement whatever the number of registers.
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from isms.registry import Registry


@dataclass(frozen=True)
class CheckEvidence:
    """The results of one automated check mapped to a control."""

    check: str  # e.g. "s3-bucket-encryption"
    passed: int
    failed: int
    url: str = ""  # the findings of this check, filtered to the control
    findings: list[dict] = field(default_factory=list, compare=False)  # [{label, url, passed}]


# `provider(control_ids, viewer) -> {control_id: [CheckEvidence]}`, merged in registration
# order. The provider returns only what `viewer` may see; `viewer` None means the ISMS's
# own documents (the SoA, its progress), which only the roles that read everything see.
providers: Registry[Callable, Callable[[list[int], object], dict]] = Registry(
    "automated evidence providers"
)


def register_provider(provider: Callable[[list[int], object], dict]) -> None:
    """Add `provider(control_ids, viewer) -> {control_id: [CheckEvidence]}`."""
    providers.register(provider)


def unregister_provider(provider) -> None:
    providers.unregister(provider)


def has_providers() -> bool:
    return bool(providers)


def for_controls(control_ids: Iterable[int], viewer=None) -> dict[int, list[CheckEvidence]]:
    """Every registered provider's evidence for these controls, merged; as `viewer` may
    see it (None: all of it, for the SoA)."""
    ids = list(control_ids)
    result: dict[int, list[CheckEvidence]] = {}
    token = _lookups.set({})  # the controls are looked up once for everyone below
    try:
        for provider in providers:
            for control_id, checks in provider(ids, viewer).items():
                result.setdefault(control_id, []).extend(checks)
        for control_id, checks in figures_by_control(ids, viewer).items():
            result.setdefault(control_id, []).extend(checks)
    finally:
        _lookups.reset(token)
    return result


ISO_27001 = "iso27001-2022"


@dataclass(frozen=True)
class RecordFigure:
    """A figure of one of the ISMS's own registers that evidences a control: how many
    records meet a rule (`passed`) and how many do not (`failed`), e.g. for Annex A 5.22
    the supplier certifications current and expired. `passed` and `failed` return
    querysets (counted, never loaded); `url` names the register's page."""

    control: str  # the control's identifier in `framework`, e.g. "5.22"
    label: str
    passed: Callable[[], object]
    failed: Callable[[], object] | None
    url: str  # a URL name, reversed when shown
    permission: str  # who may see the figure (the SoA itself, viewer None, sees all)
    framework: str = ISO_27001


# Registered from the registers' AppConfig.ready() (suppliers, continuity, incidents).
# Unlike providers, figures cost nothing per app: every figure the asked controls need
# is counted in one statement, after one lookup of the controls (two queries in all).
record_figures: Registry[tuple, RecordFigure] = Registry(
    "register evidence figures", key=lambda f: (f.framework, f.control, f.label)
)


def register_figures(*figures: RecordFigure) -> None:
    for figure in figures:
        record_figures.register(figure)


def count_together(querysets: dict) -> dict[str, int]:
    """{name: number of rows} of several querysets, in one query (one scalar subquery
    each)."""
    from django.db import connection

    if not querysets:
        return {}
    parts, params = [], []
    for queryset in querysets.values():
        sql, subparams = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 - ORM SQL
        params.extend(subparams)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


_lookups: ContextVar[dict | None] = ContextVar("control lookups", default=None)


def control_keys(control_ids) -> dict[int, tuple[str, str]]:
    """{control id: (framework code, identifier)} of `control_ids`: one query, shared by
    every provider (and the figures) of one `for_controls` call."""
    from isms.models import Control

    ids = tuple(sorted(set(control_ids)))
    memo = _lookups.get()
    if memo is not None and ids in memo:
        return memo[ids]
    keys = {
        pk: (code, identifier)
        for pk, code, identifier in Control.objects.filter(pk__in=ids).values_list(
            "pk", "framework__code", "identifier"
        )
    }
    if memo is not None:
        memo[ids] = keys
    return keys


def figures_by_control(control_ids, viewer=None) -> dict[int, list[CheckEvidence]]:
    """{control id: [CheckEvidence per registered figure]} for the asked controls, as
    `viewer` may see them (None: all, for the SoA): at most two queries."""
    from django.urls import reverse

    figures = [f for f in record_figures if viewer is None or viewer.has_perm(f.permission)]
    if not figures:
        return {}
    asked = {(f.framework, f.control) for f in figures}
    wanted = {key: pk for pk, key in control_keys(control_ids).items() if key in asked}
    figures = [f for f in figures if (f.framework, f.control) in wanted]
    if not figures:
        return {}
    querysets = {}
    for index, figure in enumerate(figures):
        querysets[f"p{index}"] = figure.passed()
        if figure.failed is not None:
            querysets[f"f{index}"] = figure.failed()
    counts = count_together(querysets)
    result: dict[int, list[CheckEvidence]] = {}
    for index, figure in enumerate(figures):
        result.setdefault(wanted[(figure.framework, figure.control)], []).append(
            CheckEvidence(
                check=str(figure.label),
                passed=counts[f"p{index}"],
                failed=counts.get(f"f{index}", 0),
                url=reverse(figure.url),
            )
        )
    return result


def totals(checks: list[CheckEvidence]) -> dict:
    """{'checks': n, 'passed': n, 'failed': n} over a control's checks."""
    return {
        "checks": len(checks),
        "passed": sum(c.passed for c in checks),
        "failed": sum(c.failed for c in checks),
    }


EVIDENCE_INDEX_HEADER = [
    "framework",
    "control",
    "control title",
    "applicable",
    "implementation status",
    "kind",
    "evidence",
    "where",
    "SHA-256 of the file",
    "added by",
    "added at (UTC)",
    "checks passing",
    "checks failing",
    "valid from",
    "expires on",
    "state",
]


def evidence_index_rows():
    """One row per piece of evidence of every implemented control: files and links added
    by hand (with the file's SHA-256, so the auditor can match a file to the index),
    the evidence notes, and each automated check's current passing/failing counts."""
    import hashlib

    from isms.models import ControlImplementation

    implementations = list(
        ControlImplementation.objects.select_related("control__framework")
        .prefetch_related("evidence__added_by")
        .order_by("control__framework__code", "control__sort_order")
    )
    automated = for_controls([i.control_id for i in implementations])
    for impl in implementations:
        control = impl.control
        base = [
            control.framework.code,
            control.identifier,
            control.title,
            {True: "yes", False: "no"}.get(impl.applicable, "undecided"),
            impl.get_status_display(),
        ]
        for item in impl.evidence.all():
            digest = ""
            if item.file:
                try:
                    with item.file.open("rb") as handle:
                        digest = hashlib.file_digest(handle, "sha256").hexdigest()
                except OSError:
                    digest = "(file missing)"
            yield [
                *base,
                "file" if item.file else "link",
                item.title,
                item.file.name if item.file else item.url,
                digest,
                item.added_by.get_username() if item.added_by else "",
                item.added_at.strftime("%Y-%m-%d %H:%M:%S"),
                "",
                "",
                item.valid_from.isoformat() if item.valid_from else "",
                item.valid_until.isoformat() if item.valid_until else "",
                item.get_state_display(),
            ]
        if impl.evidence_text.strip():
            yield [*base, "notes", impl.evidence_text.strip(), "", "", "", "", "", "", "", "", ""]
        for check in automated.get(impl.control_id, []):
            yield [
                *base,
                "automated check",
                check.check,
                check.url,
                "",
                "",
                "",
                check.passed,
                check.failed,
                "",
                "",
                "",
            ]


def evidence_pack_files(user):
    """The evidence index for the audit pack (clause 7.5; the SoA's evidence column)."""
    from isms.exports import csv_bytes
    from isms.governance.audit_pack import PackFile

    yield PackFile(
        "10-evidence/evidence-index.csv",
        csv_bytes(EVIDENCE_INDEX_HEADER, evidence_index_rows()),
        "Index of the evidence of each control: files (with SHA-256), links, notes and "
        "automated checks",
    )
