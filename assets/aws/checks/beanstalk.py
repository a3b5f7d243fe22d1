"""Elastic Beanstalk checks: the platform patched by AWS, health watched, logs kept."""

from __future__ import annotations

from assets.aws.checks.base import Severity, Threat, failed, passed
from assets.aws.checks.registry import check

ENVIRONMENT = (("elasticbeanstalk", "environment"),)
NEEDS = ("configurationSettings",)


def _option(resource, name: str):
    return (resource.configuration.get("OptionSettings") or {}).get(name)


@check(
    id="elasticbeanstalk-managed-updates-off",
    title="Elastic Beanstalk environment without managed platform updates",
    service="elasticbeanstalk",
    resource_types=ENVIRONMENT,
    severity=Severity.MEDIUM,
    threat=Threat.INTEGRITY,
    rationale="Beanstalk's platform (operating system, web server, language runtime) is "
    "the customer's to update; without managed updates, known vulnerabilities stay until "
    "someone remembers.",
    console="Elastic Beanstalk > the environment > Configuration > Updates, monitoring "
    "and logging > Managed platform updates: Enabled, with a weekly window.",
    cli="aws elasticbeanstalk update-environment --environment-name <env> --option-settings "
    "Namespace=aws:elasticbeanstalk:managedactions,OptionName=ManagedActionsEnabled,Value=true",
    iso27001=("8.8",),
    csf=("PR.PS-02", "ID.RA-01"),
    needs=NEEDS,
)
def managed_updates(resource, estate):
    if (
        str(_option(resource, "aws:elasticbeanstalk:managedactions:ManagedActionsEnabled")).lower()
        == "true"
    ):
        return passed()
    return failed(f"Environment {resource.name} does not apply platform updates by itself.")


@check(
    id="elasticbeanstalk-enhanced-health-off",
    title="Elastic Beanstalk environment without enhanced health reporting",
    service="elasticbeanstalk",
    resource_types=ENVIRONMENT,
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="Basic health only sees the load balancer; enhanced health reports the "
    "instances and the application, so degradation is noticed before an outage.",
    console="Elastic Beanstalk > the environment > Configuration > Monitoring > Health "
    "reporting: Enhanced.",
    cli="aws elasticbeanstalk update-environment --environment-name <env> --option-settings "
    "Namespace=aws:elasticbeanstalk:healthreporting:system,OptionName=SystemType,Value=enhanced",
    iso27001=("8.16",),
    csf=("DE.CM-09",),
    needs=NEEDS,
)
def enhanced_health(resource, estate):
    if _option(resource, "aws:elasticbeanstalk:healthreporting:system:SystemType") == "enhanced":
        return passed()
    return failed(f"Environment {resource.name} reports basic health only.")


@check(
    id="elasticbeanstalk-logs-not-streamed",
    title="Elastic Beanstalk environment not streaming its logs to CloudWatch",
    service="elasticbeanstalk",
    resource_types=ENVIRONMENT,
    severity=Severity.LOW,
    threat=Threat.INTEGRITY,
    rationale="Instance logs vanish with the instances that Beanstalk replaces; streamed "
    "to CloudWatch Logs they survive for investigation.",
    console="Elastic Beanstalk > the environment > Configuration > Updates, monitoring and "
    "logging > Instance log streaming to CloudWatch Logs: Activated.",
    cli="aws elasticbeanstalk update-environment --environment-name <env> --option-settings "
    "Namespace=aws:elasticbeanstalk:cloudwatch:logs,OptionName=StreamLogs,Value=true",
    iso27001=("8.15",),
    csf=("PR.PS-04",),
    needs=NEEDS,
)
def logs_streamed(resource, estate):
    if str(_option(resource, "aws:elasticbeanstalk:cloudwatch:logs:StreamLogs")).lower() == "true":
        return passed()
    return failed(f"Environment {resource.name} keeps its logs only on its instances.")
