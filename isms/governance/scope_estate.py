"""The approved scope against the estate actually connected: which AWS accounts and
regions hold resources or findings outside the scope.

`isms` never imports `assets`: the AWS connector registers, in its AppConfig.ready(),
a provider that reports the estate as it stands::

    from isms.governance import scope_estate

    scope_estate.register(estate_rows)   # estate_rows() -> Iterable[EstateRow]

The scope page, the AWS pages and the dashboard show `outside_scope()`; findings there
are triaged as in or out of scope by the connector (a field and an action on findings).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from isms.registry import Registry

ACCOUNT_ID = re.compile(r"\b\d{12}\b")
REGION = re.compile(r"\b[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d\b")


@dataclass(frozen=True)
class EstateRow:
    """What the estate holds in one (account, region): live resources, open findings,
    open critical findings, and how many open findings are still to be triaged."""

    account_id: str
    account_name: str
    region: str
    resources: int = 0
    open_findings: int = 0
    critical_findings: int = 0
    untriaged_findings: int = 0
    url: str = ""


@dataclass(frozen=True)
class ScopeBounds:
    """The AWS accounts and regions the approved scope names (ids parsed from its text)."""

    accounts: frozenset[str]
    regions: frozenset[str]
    approved: bool

    def account_in(self, account_id: str) -> bool:
        return account_id in self.accounts

    def region_in(self, region: str) -> bool:
        # Global services (IAM, S3 listings...) have no region: never outside it.
        return not region or region in ("global", "aws-global") or region in self.regions

    def reason(self, account_id: str, region: str) -> str:
        """Why (account, region) is outside the scope, or "" when it is inside."""
        problems = []
        if not self.account_in(account_id):
            problems.append(f"account {account_id} is not in the scope")
        if not self.region_in(region):
            problems.append(f"region {region} is not in the scope")
        return "; ".join(problems)


# `provider() -> Iterable[EstateRow]`: the estate as it stands, merged in order.
providers: Registry[Callable, Callable[[], Iterable[EstateRow]]] = Registry(
    "scope estate providers"
)


def register(provider: Callable[[], Iterable[EstateRow]]) -> None:
    """Add `provider() -> Iterable[EstateRow]` (see the module docstring)."""
    providers.register(provider)


def bounds() -> ScopeBounds:
    """The accounts and regions of the approved scope in force (empty when none)."""
    from isms.models import Scope

    scope = Scope.objects.order_by("pk").first()
    version = scope.current_version if scope else None
    if version is None:
        return ScopeBounds(frozenset(), frozenset(), approved=False)
    return ScopeBounds(
        accounts=frozenset(ACCOUNT_ID.findall(version.aws_accounts)),
        regions=frozenset(REGION.findall(version.aws_regions)),
        approved=True,
    )


@dataclass(frozen=True)
class OutsideRow:
    row: EstateRow
    reason: str


def outside_scope() -> list[OutsideRow]:
    """Every (account, region) of the estate with resources or findings that the
    approved scope does not cover, worst first (critical findings, then findings)."""
    limits = bounds()
    if not limits.approved:
        return []
    result = []
    for provider in providers:
        for row in provider():
            reason = limits.reason(row.account_id, row.region)
            if reason and (row.resources or row.open_findings):
                result.append(OutsideRow(row=row, reason=reason))
    result.sort(key=lambda o: (-o.row.critical_findings, -o.row.open_findings, o.row.region))
    return result


def dashboard_figures(user) -> list[dict]:
    """The dashboard's "Estate outside the scope" figure (for users who may read the scope)."""
    from django.urls import reverse

    if not user.has_perm("isms.view_scopeversion") or not len(providers):
        return []
    rows = outside_scope()
    if not rows:
        return []
    critical = sum(o.row.critical_findings for o in rows)
    return [
        {
            "label": "Estate outside the scope",
            "value": f"{len(rows)} account/region(s)",
            "url": reverse("isms:scope") + "#outside-scope",
            "help": f"Resources the approved scope does not list; {critical} open "
            "critical finding(s) there. Triage them as in or out of scope.",
        }
    ]
