"""The security checks over the stored AWS estate (see docs/checks.md, generated from
this catalogue by `manage.py checks_doc`).

`CATALOGUE` maps a check id to its `Check`; `run()` evaluates every applicable check on
every resource. Pure functions: no AWS call, no database access.
"""

from assets.aws.checks import (  # noqa: F401 - each module registers its checks
    backup,
    beanstalk,
    compute_more,
    data_more,
    databases,
    ebs,
    ec2_more,
    governance,
    iam,
    iam_more,
    messaging,
    network,
    network_more,
    rds_more,
    s3,
    security,
    trails,
)
from assets.aws.checks.base import (
    CSF,
    ISO,
    SEVERITY_RANK,
    Check,
    Estate,
    Outcome,
    Resource,
    Result,
    Severity,
    Threat,
)
from assets.aws.checks.engine import applicable, checks_for, run
from assets.aws.checks.registry import CATALOGUE

__all__ = [
    "CATALOGUE",
    "CSF",
    "ISO",
    "SEVERITY_RANK",
    "Check",
    "Estate",
    "Outcome",
    "Resource",
    "Result",
    "Severity",
    "Threat",
    "applicable",
    "checks_for",
    "run",
]
