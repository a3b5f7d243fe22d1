"""The nine ISMS steps and the registry through which apps report their state.

`isms` never imports `assets` or `risks`; instead each app registers, in its
AppConfig.ready(), a function that computes the state of the step it owns
(`register_step`) and the key figures it contributes (`register_figure`). Both are
registries of the one mechanism (isms/registry.py): `step_providers` keyed by step
number, `figure_providers` in registration order.

The steps' states are cached (see `steps()`); the key figures are not: they depend on
who is looking (the risks they may read, the approvals waiting for them) and cost a few
aggregate queries.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from isms.models import AuditEvent
from isms.registry import Registry

# The states are exact as long as every change writes an audit event (see `steps()`);
# this bounds how long a write that bypasses the audit trail (a shell, a data
# migration, a bulk seed) can go unseen.
STEPS_CACHE_SECONDS = 60


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
        _("Define the scope"),
        _("Boundaries, business units, AWS accounts and exclusions."),
        "bi-bullseye",
    ),
    Step(2, _("ISMS policy"), _("Write, approve and publish the policies."), "bi-journal-text"),
    Step(
        3,
        _("Risk methodology"),
        _("Likelihood and impact scales, matrix, acceptance criteria."),
        "bi-rulers",
    ),
    Step(
        4,
        _("Identify risks"),
        _("Assets, threats and vulnerabilities; AWS findings suggest risks."),
        "bi-search",
    ),
    Step(
        5,
        _("Analyse risks"),
        _("Likelihood x impact gives the level; asset values give the $."),
        "bi-graph-up",
    ),
    Step(
        6,
        _("Address risks"),
        _("Mitigate, accept, transfer or avoid; residual risk."),
        "bi-shield-check",
    ),
    Step(
        7,
        _("Choose a framework"),
        _("ISO/IEC 27001:2022 Annex A, NIST CSF 2.0 or your own."),
        "bi-diagram-3",
    ),
    Step(
        8,
        _("Management approval"),
        _("Scope, policies, methodology, acceptances and SoA approved."),
        "bi-patch-check",
    ),
    Step(
        9,
        _("Statement of applicability"),
        _("Per control: applicable, why, status, evidence."),
        "bi-file-earmark-check",
    ),
]

# `provider(user) -> StepState`, registered under its step number, computes that step's
# state. The state must follow from the ISMS records and from what `user` may see (their
# permissions), never from who they are: `steps()` caches it per permission set.
step_providers: Registry[int, Callable] = Registry("dashboard steps")
# The view permission a user needs to see each step's state (others see `restricted()`).
step_permissions: Registry[int, str] = Registry("dashboard step permissions")

# `provider(user) -> list[dict(label, value, url)]` adds key figures to the dashboard.
figure_providers: Registry[Callable, Callable] = Registry("dashboard figures")


def restricted() -> StepState:
    """What a user who may not read a step's records sees of it: that it exists, not how
    far the ISMS is (counts of risks, approvals, controls are ISMS-wide figures)."""
    return StepState(
        status="restricted",
        summary="Kept by the ISMS team: your own records are in the menu.",
        missing=[],
        url=None,
    )


def register_step(number: int, provider: Callable, *, permission: str) -> None:
    """`provider(user) -> StepState` computes the state of step `number`, for users who
    hold `permission` (the view permission of the step's records); others see
    `restricted()`, whatever the provider would say."""
    step_providers.register(provider, key=number)
    step_permissions.register(permission, key=number)


def register_figure(provider: Callable) -> None:
    """`provider(user) -> list[dict(label, value, url, help)]` adds key figures to the
    dashboard (`help`, optional: one line saying what the figure counts). A figure is
    computed over what `user` may see (the apps' visibility functions): a user without a
    role sees the figures of their own records, or none."""
    figure_providers.register(provider)


def steps(user) -> list[tuple[Step, StepState]]:
    """Every step with its state, as `user` sees it.

    The nine states cost about 20 queries (half of the dashboard's time under the load
    test, docs/benchmarks.md) and change only when an ISMS record changes. Every change
    to an ISMS record writes an audit event in the same transaction (docs/
    architecture.md, "The audit trail"), bulk operations and Celery tasks included, so
    the newest audit event identifies the state of the data: the states are cached under
    it, today's date (review and expiry dates fall due overnight) and the viewer's
    permissions. A change shows on the next page load; no invalidation hook is needed.
    A database without audit events (a fresh install) is not cached: it has nothing to
    count.
    """
    key = _steps_cache_key(user)
    states = cache.get(key) if key else None
    if states is None:
        states = [_step_state(step.number, user) for step in STEPS]
        if key:
            cache.set(key, states, STEPS_CACHE_SECONDS)
    return list(zip(STEPS, states, strict=True))


def _step_state(number: int, user) -> StepState:
    if number not in step_providers:
        return StepState()
    if not user.has_perm(step_permissions[number]):
        return restricted()
    return step_providers[number](user)


def _steps_cache_key(user) -> str | None:
    latest = AuditEvent.objects.order_by("-pk").values_list("pk", "timestamp").first()
    if latest is None:
        return None
    # The permission set, not the role names: it is what providers may look at, and it
    # is already loaded for this request (the page checks `perms`), so it costs no query.
    permissions = "superuser" if user.is_superuser else ",".join(sorted(user.get_all_permissions()))
    viewer = hashlib.sha256(permissions.encode()).hexdigest()[:16]
    stamp = f"{latest[0]}.{latest[1].timestamp()}"
    return f"isms:dashboard:steps:{stamp}:{timezone.localdate().isoformat()}:{viewer}"


def figures(user) -> list[dict]:
    result = []
    for provider in figure_providers:
        result.extend(provider(user))
    return result
