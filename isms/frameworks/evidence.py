"""Automated evidence: the extension point through which AWS checks feed control pages
and the SoA, without `isms` importing `assets`.

The AWS connector registers one provider in its AppConfig.ready():

    from isms.frameworks import evidence
    evidence.register_provider(findings_by_control)

A provider takes a list of control ids and the viewer, and returns, in a constant number
of queries, ``{control_id: [CheckEvidence, ...]}`` for the controls it knows, as far as
the viewer may see the check results. With no provider registered, pages and the SoA
say "no automated evidence".
"""

from collections.abc import Callable, Iterable
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
    for provider in providers:
        for control_id, checks in provider(ids, viewer).items():
            result.setdefault(control_id, []).extend(checks)
    return result


def totals(checks: list[CheckEvidence]) -> dict:
    """{'checks': n, 'passed': n, 'failed': n} over a control's checks."""
    return {
        "checks": len(checks),
        "passed": sum(c.passed for c in checks),
        "failed": sum(c.failed for c in checks),
    }
