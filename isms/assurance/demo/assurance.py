"""Demo control assurance: tests of a dozen ISO 27001 controls with a year of quarterly
results (one control not effective), two automated tests from the AWS checks, evidence
expiring next week and one piece expired. Idempotent: skipped when tests exist."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from isms.assurance import services
from isms.assurance.choices import Conclusion, ControlTestFrequency, ControlTestMethod
from isms.assurance.models import ControlTest
from isms.frameworks import services as framework_services
from isms.models import ControlImplementation, User

# (control, what is tested, method, sample size)
MANUAL = [
    ("5.15", "Access rights match the access policy", ControlTestMethod.INSPECTION, 25),
    ("5.18", "Leavers' accounts removed within one day", ControlTestMethod.INSPECTION, 10),
    ("5.24", "Incidents are logged and triaged", ControlTestMethod.INSPECTION, 5),
    ("5.30", "Recovery plans are exercised", ControlTestMethod.REPERFORMANCE, 1),
    ("6.3", "Staff completed the awareness training", ControlTestMethod.INSPECTION, 20),
    ("7.2", "Visitors are signed in and escorted", ControlTestMethod.OBSERVATION, 5),
    ("8.7", "Endpoints run up-to-date malware protection", ControlTestMethod.INSPECTION, 15),
    ("8.8", "Critical vulnerabilities fixed within SLA", ControlTestMethod.INSPECTION, 10),
    ("8.13", "Backups can be restored", ControlTestMethod.REPERFORMANCE, 2),
    ("8.32", "Changes are approved before release", ControlTestMethod.INSPECTION, 25),
]
AUTOMATED = [
    ("8.24", "Storage encryption (AWS checks)", 95),
    ("8.15", "Logging enabled (AWS checks)", 90),
]
NOT_EFFECTIVE = "8.8"


def _evidence(security, implementation, title, *, valid_from=None, valid_until=None):
    return framework_services.evidence_add(
        implementation=implementation,
        user=security,
        title=title,
        kind="record",
        upload=SimpleUploadedFile("record.txt", f"{title}\n".encode()),
        valid_from=valid_from,
        valid_until=valid_until,
    )


def load(stdout) -> None:
    if ControlTest.objects.exists():
        stdout.write("Control assurance: already loaded.")
        return
    today = timezone.localdate()
    security = User.objects.get(username="security")
    tester = User.objects.filter(username="auditor").first() or security
    implementations = {
        i.control.identifier: i
        for i in ControlImplementation.objects.filter(
            control__framework__soa_basis=True,
            control__identifier__in=[c for c, *_ in MANUAL + AUTOMATED],
        ).select_related("control", "owner")
    }
    for identifier, title, method, sample in MANUAL:
        implementation = implementations.get(identifier)
        if implementation is None:
            continue
        person = tester if implementation.owner_id != tester.pk else security
        test = services.control_test_save(
            user=security,
            implementation=implementation,
            data={
                "title": title,
                "method": method,
                "sample_size": sample,
                "frequency": ControlTestFrequency.QUARTERLY,
                "tester": person,
                "next_due": today - datetime.timedelta(days=365),
            },
        )
        for quarter in range(4):
            performed_on = today - datetime.timedelta(days=365 - 91 * quarter - 7)
            item = _evidence(
                security,
                implementation,
                f"{identifier} test record Q{quarter + 1}",
                valid_from=performed_on,
                valid_until=performed_on + datetime.timedelta(days=365),
            )
            last = quarter == 3
            conclusion = (
                Conclusion.NOT_EFFECTIVE
                if last and identifier == NOT_EFFECTIVE
                else Conclusion.PARTIAL
                if quarter == 1 and identifier == NOT_EFFECTIVE
                else Conclusion.EFFECTIVE
            )
            services.result_record(
                user=security,
                test=test,
                data={
                    "performed_on": performed_on,
                    "tester": person,
                    "sample": f"{sample} items sampled",
                    "conclusion": conclusion,
                    "evidence": [item],
                    "remarks": "Three critical findings past the SLA."
                    if conclusion == Conclusion.NOT_EFFECTIVE
                    else "",
                },
            )
    # Evidence expiring next week, and one piece already expired.
    if "5.15" in implementations:
        _evidence(
            security,
            implementations["5.15"],
            "Quarterly access review sign-off",
            valid_until=today + datetime.timedelta(days=7),
        )
    if "6.3" in implementations:
        _evidence(
            security,
            implementations["6.3"],
            "Training completion report 2025",
            valid_from=today - datetime.timedelta(days=400),
            valid_until=today - datetime.timedelta(days=35),
        )
    for identifier, title, threshold in AUTOMATED:
        implementation = implementations.get(identifier)
        if implementation is None:
            continue
        services.control_test_save(
            user=security,
            implementation=implementation,
            data={
                "title": title,
                "method": ControlTestMethod.AUTOMATED,
                "frequency": ControlTestFrequency.MONTHLY,
                "threshold": threshold,
            },
        )
    evaluated = services.automated_evaluate()
    opened = services.tests_open_due()
    stdout.write(
        f"Control assurance: {ControlTest.objects.count()} tests, {evaluated} automated "
        f"evaluated, {opened} due now."
    )
