"""The nine ISMS steps and the registry through which apps report their state.

`isms` never imports `assets` or `risks`; instead each app registers, in its
AppConfig.ready(), a function that computes the state of the step it owns
(`register_step`) and the key figures it contributes (`register_figure`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    description: str
    icon: str


@dataclass
class StepState:
    """What the dashboard shows for one step."""

    status: str = "todo"  # todo | in_progress | done
    summary: str = "Not started yet."
    missing: list[str] = field(default_factory=list)
    url: str | None = None
    action: str = ""


STEPS = [
    Step(
        1,
        "Define the scope",
        "Boundaries, business units, AWS accounts and exclusions.",
        "bi-bullseye",
    ),
    Step(2, "ISMS policy", "Write, approve and publish the policies.", "bi-journal-text"),
    Step(
        3,
        "Risk methodology",
        "Likelihood and impact scales, matrix, acceptance criteria.",
        "bi-rulers",
    ),
    Step(
        4,
        "Identify risks",
        "Assets, threats and vulnerabilities; AWS findings suggest risks.",
        "bi-search",
    ),
    Step(
        5,
        "Analyse risks",
        "Likelihood x impact gives the level; asset values give the $.",
        "bi-graph-up",
    ),
    Step(
        6, "Address risks", "Mitigate, accept, transfer or avoid; residual risk.", "bi-shield-check"
    ),
    Step(
        7,
        "Choose a framework",
        "ISO/IEC 27001:2022 Annex A, NIST CSF 2.0 or your own.",
        "bi-diagram-3",
    ),
    Step(
        8,
        "Management approval",
        "Scope, policies, methodology, acceptances and SoA approved.",
        "bi-patch-check",
    ),
    Step(
        9,
        "Statement of applicability",
        "Per control: applicable, why, status, evidence.",
        "bi-file-earmark-check",
    ),
]

_step_providers: dict[int, Callable] = {}
_figure_providers: list[Callable] = []


def register_step(number: int, provider: Callable) -> None:
    """`provider(user) -> StepState` computes the state of step `number`."""
    _step_providers[number] = provider


def register_figure(provider: Callable) -> None:
    """`provider(user) -> list[dict(label, value, url)]` adds key figures to the dashboard."""
    if provider not in _figure_providers:
        _figure_providers.append(provider)


def steps(user) -> list[tuple[Step, StepState]]:
    return [
        (
            step,
            _step_providers[step.number](user) if step.number in _step_providers else StepState(),
        )
        for step in STEPS
    ]


def figures(user) -> list[dict]:
    result = []
    for provider in _figure_providers:
        result.extend(provider(user))
    return result
