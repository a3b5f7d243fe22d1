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

from isms.registry import Registry


@dataclass(frozen=True)
class RiskRef:
    """A risk of the register, as control pages and the SoA show it."""

    reference: str  # e.g. "R-001"
    title: str = ""
    level: str = ""
    url: str = ""


# `provider(control_ids, viewer) -> {control_id: [RiskRef]}`, merged in registration
# order. The provider returns only what `viewer` may see; `viewer` None means the ISMS's
# own documents (the SoA, its progress), which only the roles that read everything see.
providers: Registry[Callable, Callable[[list[int], object], dict]] = Registry(
    "treating risk providers"
)


def register_provider(provider: Callable[[list[int], object], dict]) -> None:
    """Add `provider(control_ids, viewer) -> {control_id: [RiskRef]}`."""
    providers.register(provider)


def unregister_provider(provider) -> None:
    providers.unregister(provider)


def for_controls(control_ids: Iterable[int], viewer=None) -> dict[int, list[RiskRef]]:
    """The treating risks of these controls from every registered provider, merged; those
    `viewer` may read (None: all of them, for the SoA)."""
    ids = list(control_ids)
    result: dict[int, list[RiskRef]] = {}
    for provider in providers:
        for control_id, refs in provider(ids, viewer).items():
            result.setdefault(control_id, []).extend(refs)
    return result
