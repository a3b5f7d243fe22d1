"""Running the catalogue over an estate: which checks apply to which resource, and the
rule that turns missing configuration into "not evaluated" instead of a pass."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator

from assets.aws.checks.base import Check, Estate, Outcome, Resource, not_evaluated
from assets.aws.checks.registry import CATALOGUE

logger = logging.getLogger(__name__)

# The order services are listed in (docs, posture pages).
SERVICE_ORDER = [
    "ec2",
    "vpc",
    "autoscaling",
    "ebs",
    "iam",
    "s3",
    "rds",
    "dynamodb",
    "sqs",
    "ses",
    "glacier",
    "emr",
    "elasticbeanstalk",
    "cloudtrail",
    "kms",
    "governance",
]


def ordered() -> list[Check]:
    """The catalogue, by service (in SERVICE_ORDER) then in registration order."""
    rank = {code: index for index, code in enumerate(SERVICE_ORDER)}
    return sorted(CATALOGUE.values(), key=lambda c: rank.get(c.service, len(rank)))


def _by_type() -> dict[tuple[str, str], list[Check]]:
    index = defaultdict(list)
    for found in ordered():
        for resource_type in found.resource_types:
            index[resource_type].append(found)
    return index


def checks_for(service: str, resource_type: str) -> list[Check]:
    """The checks that apply to resources of this (service code, type)."""
    return _by_type().get((service, resource_type), [])


def applicable() -> set[tuple[str, str]]:
    """Every (service code, resource type) some check reads."""
    return set(_by_type())


def evaluate(found: Check, resource: Resource, estate: Estate) -> Outcome:
    """One check on one resource, never passing on configuration that was not read."""
    if resource.uncollected:
        return not_evaluated(resource.uncollected)
    errors = resource.errors
    if "read" in errors:
        return not_evaluated(f"The resource could not be read fully: {errors['read']}")
    missing = [f"{part} ({errors[part]})" for part in found.needs if part in errors]
    if missing:
        return not_evaluated("Could not be collected: " + ", ".join(missing) + ".")
    try:
        return found.evaluate(resource, estate)
    except Exception as exc:  # noqa: BLE001 - odd configuration must not stop the others
        logger.warning("Check %s failed on %s: %r", found.id, resource.arn, exc, exc_info=True)
        return not_evaluated(f"Unexpected configuration ({type(exc).__name__}).")


def run(resources: Iterable[Resource], estate: Estate) -> Iterator[tuple[Check, Resource, Outcome]]:
    """(check, resource, outcome) for every applicable check on every resource."""
    index = _by_type()
    for resource in resources:
        for found in index.get((resource.service, resource.resource_type), ()):
            yield found, resource, evaluate(found, resource, estate)
