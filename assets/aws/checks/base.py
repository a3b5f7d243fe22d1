"""What every check shares: the catalogue entry, the resource as a check sees it, the
estate around it, and the three outcomes.

A check is a pure function `evaluate(resource, estate) -> Outcome` over the configuration
the collectors stored (assets/aws/collectors/): it calls no AWS API and touches no
database, so the whole catalogue runs over 10,000 stored resources in well under a
second and is tested with plain data as well as through the collectors.

Outcomes: `passed()`, `failed(detail)` naming the exact cause (which rule, which
grantee, which port), and `not_evaluated(reason)` when the configuration the check
needs could not be collected. A check never passes on missing data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assets.choices import Result, Severity, Threat

# Worst first: used to sort findings and posture tables.
SEVERITY_RANK = {s.value: rank for rank, s in enumerate(Severity)}


@dataclass(frozen=True)
class Outcome:
    result: str
    detail: str = ""


PASSED = Outcome(Result.PASS)


def passed() -> Outcome:
    return PASSED


def failed(detail: str) -> Outcome:
    return Outcome(Result.FAIL, detail)


def not_evaluated(reason: str) -> Outcome:
    return Outcome(Result.NOT_EVALUATED, reason)


ISO = "iso27001-2022"
CSF = "nist-csf-2.0"


@dataclass(frozen=True)
class Check:
    """One entry of the catalogue: what is checked on which resources, why it matters,
    how to fix it, and which framework controls its results evidence."""

    id: str
    title: str
    service: str  # the service code the check belongs to (assets/catalogue.py), or "governance"
    resource_types: tuple[tuple[str, str], ...]  # (service code, resource type) it applies to
    severity: str
    threat: str
    rationale: str
    console: str
    cli: str
    iso27001: tuple[str, ...]
    csf: tuple[str, ...]
    # Parts of the configuration (keys of configuration["_errors"]) the check reads: when
    # one of them could not be collected, the check is not evaluated.
    needs: tuple[str, ...]
    evaluate: Callable[[Resource, Estate], Outcome] = field(compare=False, repr=False)

    @property
    def controls(self) -> dict[str, tuple[str, ...]]:
        """{framework code: control identifiers}."""
        return {ISO: self.iso27001, CSF: self.csf}

    def get_severity_display(self) -> str:
        return Severity(self.severity).label

    def get_threat_display(self) -> str:
        return Threat(self.threat).label


@dataclass
class Resource:
    """A stored AWS resource as a check sees it (no ORM: checks are pure functions)."""

    pk: int
    arn: str
    account_id: str  # the AWS account's 12 digits
    service: str
    resource_type: str
    region: str
    name: str
    configuration: dict
    tags: dict = field(default_factory=dict)
    linked: bool = False  # linked to at least one asset
    # Why this resource's partition could not be collected by the sync the checks follow
    # (its stored configuration is then stale): every check on it is not evaluated.
    uncollected: str = ""

    @property
    def errors(self) -> dict:
        errors = self.configuration.get("_errors") if isinstance(self.configuration, dict) else None
        return errors if isinstance(errors, dict) else {}


class Estate:
    """The account's stored resources, indexed for the checks that look beyond one
    resource (an instance's security groups, a VPC's subnets, the account-wide S3
    public access block)."""

    def __init__(self, resources: list[Resource], *, now: datetime.datetime):
        self.now = now  # what "older than 90 days" is measured from
        self.by_type: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self.security_groups: dict[tuple[str, str], Resource] = {}
        self.subnets_of_vpc: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        for r in resources:
            self.by_type[(r.service, r.resource_type)].append(r)
            config = r.configuration or {}
            if r.resource_type == "security-group" and config.get("GroupId"):
                self.security_groups[(r.region, config["GroupId"])] = r
            elif r.resource_type == "subnet" and config.get("VpcId"):
                self.subnets_of_vpc[(r.region, config["VpcId"])].append(r)

    def cached(self, key, compute: Callable[[], Any]):
        """`compute()` once per estate and key: for the checks that look at every
        resource of a kind (which groups are referenced), so that a check over 10,000
        resources does not scan them 10,000 times."""
        cache = self.__dict__.setdefault("_cache", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    def one(self, service: str, resource_type: str) -> Resource | None:
        found = self.by_type.get((service, resource_type)) or []
        return found[0] if found else None


def dig(data: Any, *path, default=None):
    """data[path[0]][path[1]]... or `default` when any step is missing."""
    for key in path:
        if isinstance(data, dict) and key in data:
            data = data[key]
        else:
            return default
    return data


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
