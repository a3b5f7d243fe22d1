"""Read-only questions about frameworks and the SoA, shared by pages, the API, the
dashboard and the downloads. Each runs a constant number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from isms.frameworks import treatments
from isms.models import Control, ControlImplementation, SoA
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
    """Where the SoA framework's implementation stands."""

    controls: int = 0
    applicable: int = 0
    excluded: int = 0
    undecided: int = 0
    implemented: int = 0
    partial: int = 0
    missing_justification: list = field(default_factory=list)  # implementations
    inconsistent: list = field(default_factory=list)  # implementations

    @property
    def to_fix(self) -> int:
        return len(self.missing_justification) + len(self.inconsistent)

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
    """Decided, implemented, missing justifications and inconsistencies (a control that a
    risk treatment selected but that is marked not applicable)."""
    result = Progress()
    if framework is None:
        return result
    implementations = list(
        ControlImplementation.objects.filter(
            control__framework=framework, control__withdrawn=False
        ).select_related("control")
    )
    # Only an excluded control can be inconsistent: ask the risk register about those.
    risks = treatments.for_controls(
        [i.control_id for i in implementations if i.applicable is False]
    )
    result.controls = len(implementations)
    for impl in implementations:
        if impl.applicable is None:
            result.undecided += 1
        elif impl.applicable:
            result.applicable += 1
            if impl.status == ImplementationStatus.IMPLEMENTED:
                result.implemented += 1
            elif impl.status == ImplementationStatus.PARTIAL:
                result.partial += 1
            if not impl.reasons:
                result.missing_justification.append(impl)
        else:
            result.excluded += 1
            if not impl.justification.strip():
                result.missing_justification.append(impl)
            if risks.get(impl.control_id):
                result.inconsistent.append(impl)
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
