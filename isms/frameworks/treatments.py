"""Risks whose treatment selected a control: read from the risk register through a
provider, so that `isms` never imports `risks`.

The risk register registers one provider in its AppConfig.ready() (it links its
treatment to `isms.Control`, so the provider reads that relation in bulk):

    from isms.frameworks import treatments
    treatments.register_provider(risks_by_control)

A provider takes a list of control ids and the viewer, and returns, in a constant number
of queries, ``{control_id: [RiskRef, ...]}`` with the risks the viewer may read. Without
a provider, controls have no linked risks.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RiskRef:
    """A risk of the register, as control pages and the SoA show it."""

    reference: str  # e.g. "R-001"
    title: str = ""
    level: str = ""
    url: str = ""


_providers: list[Callable[[list[int], object], dict]] = []


def register_provider(provider: Callable[[list[int], object], dict]) -> None:
    """Add `provider(control_ids, viewer) -> {control_id: [RiskRef]}` (idempotent). The
    provider returns only what `viewer` may see; `viewer` None means the ISMS's own
    documents (the SoA, its progress), which only the roles that read everything see."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_provider(provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def for_controls(control_ids: Iterable[int], viewer=None) -> dict[int, list[RiskRef]]:
    """The treating risks of these controls from every registered provider, merged; those
    `viewer` may read (None: all of them, for the SoA)."""
    ids = list(control_ids)
    result: dict[int, list[RiskRef]] = {}
    for provider in _providers:
        for control_id, refs in provider(ids, viewer).items():
            result.setdefault(control_id, []).extend(refs)
    return result
