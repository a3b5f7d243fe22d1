"""Read-only questions about frameworks and the SoA, shared by pages, the API, the
dashboard and the downloads. Each runs a constant number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from isms.frameworks import soa
from isms.models import Control, SoA
from isms.models.soa import ImplementationStatus


def visible_controls(user, queryset=None):
    """The controls `user` may read: all of them with `isms.view_control` (every role),
    else those whose implementation they own."""
    queryset = Control.objects.all() if queryset is None else queryset
    if user.has_perm("isms.view_control"):
        return queryset
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(implementation__owner=user)


def can_view_control(user, control: Control) -> bool:
    """visible_controls() for one control, without a query (its implementation loaded)."""
    if user.has_perm("isms.view_control"):
        return True
    implementation = getattr(control, "implementation", None)
    return implementation is not None and implementation.owner_id == user.pk


@dataclass
class Progress:
    """Where the SoA framework's implementation stands, and what blocks freezing it."""

    controls: int = 0
    applicable: int = 0
    excluded: int = 0
    undecided: int = 0
    implemented: int = 0
    partial: int = 0
    blockers: list = field(default_factory=list)  # soa.Blocker, what refuses freezing
    # Implemented while mapped automated checks fail (with or without a rationale).
    evidence_conflicts: list = field(default_factory=list)  # row dicts

    @property
    def to_fix(self) -> int:
        """Exactly what refuses freezing and approval (`soa.soa_blockers`)."""
        return len(self.blockers)

    def count(self, kind: str) -> int:
        return sum(1 for blocker in self.blockers if blocker.kind == kind)

    @property
    def blocker_counts(self) -> list[tuple[str, int]]:
        """(label, count) per kind of blocker present, in BLOCKER_KINDS order."""
        return [
            (label, self.count(kind))
            for kind, label in soa.BLOCKER_KINDS.items()
            if self.count(kind)
        ]

    @property
    def missing_justification(self) -> list:
        return [b for b in self.blockers if b.kind in ("no_justification", "no_reason")]

    @property
    def inconsistent(self) -> list:
        return [b for b in self.blockers if b.kind == "inconsistent"]

    @property
    def decided(self) -> int:
        return self.applicable + self.excluded

    @property
    def decided_percent(self) -> int:
        return round(100 * self.decided / self.controls) if self.controls else 0

    @property
    def implemented_percent(self) -> int:
        return round(100 * self.implemented / self.applicable) if self.applicable else 0


def progress(framework) -> Progress:
    """Decided and implemented counts, and the blockers of freezing, computed from the
    rows `soa.soa_rows_build` would freeze now by the rule freezing applies
    (`soa.soa_blockers`), so that the page counts exactly what refuses the freeze."""
    result = Progress()
    if framework is None:
        return result
    rows = soa.soa_rows_build(framework)
    result.controls = len(rows)
    for row in rows:
        if row["applicable"] is None:
            result.undecided += 1
        elif row["applicable"]:
            result.applicable += 1
            if row["status"] == ImplementationStatus.IMPLEMENTED:
                result.implemented += 1
                if (row["automated"] or {}).get("failed"):
                    result.evidence_conflicts.append(row)
            elif row["status"] == ImplementationStatus.PARTIAL:
                result.partial += 1
        else:
            result.excluded += 1
    result.blockers = soa.soa_blockers(rows)
    return result


def theme_counts(framework) -> list[dict]:
    """Per theme: controls, applicable, implemented (for the workspace and bulk edit)."""
    return list(
        Control.objects.filter(framework=framework, withdrawn=False)
        .values("theme")
        .annotate(
            controls=Count("pk"),
            applicable=Count("pk", filter=Q(implementation__applicable=True)),
            implemented=Count(
                "pk",
                filter=Q(
                    implementation__applicable=True,
                    implementation__status=ImplementationStatus.IMPLEMENTED,
                ),
            ),
        )
        .order_by("theme")
    )


@dataclass
class RowChange:
    identifier: str
    title: str
    changes: list  # [(label, old, new)]


def soa_diff(soa: SoA) -> tuple[SoA | None, list[RowChange]]:
    """What changed applicability or status since the previous SoA (controls added or
    removed included); (None, []) for the first SoA."""
    previous = SoA.objects.filter(number__lt=soa.number).order_by("-number").first()
    if previous is None:
        return None, []
    fields = ("identifier", "title", "applicable", "status")
    old = {r["identifier"]: r for r in previous.rows.values(*fields)}
    new = {r["identifier"]: r for r in soa.rows.values(*fields)}
    statuses = dict(ImplementationStatus.choices)

    def applicable_label(value):
        return {True: "applicable", False: "not applicable", None: "undecided"}[value]

    result = []
    for identifier, row in new.items():
        before = old.get(identifier)
        if before is None:
            result.append(RowChange(identifier, row["title"], [("control", "—", "added")]))
            continue
        changes = []
        if before["applicable"] != row["applicable"]:
            changes.append(
                (
                    "applicability",
                    applicable_label(before["applicable"]),
                    applicable_label(row["applicable"]),
                )
            )
        if before["status"] != row["status"]:
            changes.append(("status", statuses[before["status"]], statuses[row["status"]]))
        if changes:
            result.append(RowChange(identifier, row["title"], changes))
    for identifier, row in old.items():
        if identifier not in new:
            result.append(RowChange(identifier, row["title"], [("control", "listed", "removed")]))
    return previous, result
