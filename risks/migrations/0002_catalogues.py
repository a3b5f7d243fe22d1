"""Seed the threat and vulnerability catalogues, so a fresh install can identify risks.

The seed notes name four threats to data at rest; the rest is a common set. The data is
copied here (not imported from the app) so that this migration never changes meaning.
Existing names are left untouched; reversing removes only unused seeded rows.
"""

from django.db import migrations

THREATS = [
    # (name, category, source, description)
    ("Accidental information disclosure", "Confidentiality", "seed",
     "Data is exposed to people who should not see it, e.g. a public bucket or a mis-sent file."),
    ("Data integrity compromise", "Integrity", "seed",
     "Data is altered, by mistake or on purpose, and can no longer be trusted."),
    ("Accidental deletion", "Availability", "seed",
     "Data or resources are deleted by mistake, and the deletion replicates everywhere."),
    ("System, infrastructure, hardware or software unavailability", "Availability", "seed",
     "A system, an Availability Zone, hardware or software fails and the service stops."),
    ("Ransomware", "Malicious", "common", "Data is encrypted or stolen and held to ransom."),
    ("Credential theft", "Malicious", "common",
     "Passwords, access keys or session tokens are stolen (phishing, leaked keys, malware)."),
    ("Phishing and social engineering", "Malicious", "common",
     "People are tricked into revealing credentials or making payments."),
    ("Insider misuse", "Malicious", "common",
     "Someone with legitimate access misuses it, on purpose or through negligence."),
    ("Malware", "Malicious", "common", "Malicious software runs on an endpoint or server."),
    ("Exploitation of a software vulnerability", "Malicious", "common",
     "An attacker exploits an unpatched flaw in an OS, an AMI or an application."),
    ("Denial of service", "Availability", "common",
     "A flood of traffic or requests makes a service unavailable."),
    ("Unauthorised access", "Confidentiality", "common",
     "An outsider reaches a system or data they have no right to."),
    ("Cloud misconfiguration", "Configuration", "common",
     "A cloud resource is set up insecurely (open ports, public access, logging off)."),
    ("Supplier failure", "Third party", "common",
     "A supplier or partner organisation fails, is breached or stops its service."),
    ("Regional cloud outage", "Availability", "common",
     "A whole AWS Region or service is degraded for hours."),
    ("Loss or theft of a device", "Physical", "common",
     "A laptop, phone or storage medium holding data is lost or stolen."),
    ("Natural disaster", "Environmental", "common",
     "Fire, flood, storm or pandemic disrupts people, offices or facilities."),
    ("Loss of key personnel", "People", "common",
     "People with critical knowledge leave or are unavailable."),
    ("Loss of encryption keys", "Availability", "common",
     "Keys or private key pairs are lost and the data or instances they protect are unusable."),
    ("Legal or regulatory non-compliance", "Compliance", "common",
     "Data is processed or stored against a law or contract (e.g. outside its Region)."),
]

VULNERABILITIES = [
    ("Excessive permissions (no least privilege)", "Access control", "seed",
     "Users, roles or services can access or modify more data than they need."),
    ("MFA not enforced", "Access control", "seed",
     "Console users or the root account can sign in with a password alone."),
    ("MFA delete not enabled", "Data protection", "seed",
     "Versioned data can be permanently deleted without a second factor."),
    ("Data at rest not encrypted", "Data protection", "seed",
     "EBS volumes, RDS databases or S3 buckets are not encrypted."),
    ("Data in transit not encrypted", "Data protection", "seed",
     "Traffic flows over plain HTTP or unencrypted protocols."),
    ("Versioning disabled", "Data protection", "seed",
     "S3 versioning is off (it is by default), so overwrites and deletions are final."),
    ("No data integrity checks", "Data protection", "seed",
     "Nobody would notice altered data, and there is no known-good copy to restore."),
    ("No backups or untested restores", "Resilience", "seed",
     "Backups are missing, or restoring them has never been tried."),
    ("Single Availability Zone deployment", "Resilience", "seed",
     "An application or its data lives in one AZ only."),
    ("No cross-region replication", "Resilience", "seed",
     "Data stored in one Region is not replicated outside it."),
    ("Unpatched operating system or AMI", "Configuration", "seed",
     "Instances run outdated images or packages (the customer's duty on EC2)."),
    ("Initial passwords not changed", "Access control", "seed",
     "Credentials handed over at launch are still in use."),
    ("Private keys stored insecurely", "Access control", "seed",
     "EC2 key pairs or access keys are kept where others can copy them."),
    ("Publicly accessible storage", "Configuration", "common",
     "A bucket, snapshot or database is reachable from the internet."),
    ("Open security group ports", "Network", "common",
     "Administrative ports are open to 0.0.0.0/0."),
    ("Long-lived access keys", "Access control", "common",
     "IAM users hold static keys instead of roles with temporary credentials."),
    ("Insufficient logging and monitoring", "Detection", "common",
     "CloudTrail, access logs or alerts are missing, so incidents go unnoticed."),
    ("Untagged or unowned resources", "Governance", "common",
     "Resources without tags or owners escape access groups and reviews."),
    ("Shared accounts", "Access control", "common",
     "Several people use one account, so actions cannot be traced to a person."),
    ("Lack of security awareness", "People", "common",
     "Staff are not trained to recognise phishing and handle data."),
    ("Single supplier dependency", "Third party", "common",
     "A critical service relies on one supplier with no fallback."),
    ("No tested disaster recovery plan", "Resilience", "common",
     "Recovery time and point objectives are not defined or never rehearsed."),
]


def seed(apps, schema_editor):
    for model_name, rows in (("Threat", THREATS), ("Vulnerability", VULNERABILITIES)):
        model = apps.get_model("risks", model_name)
        for name, category, source, description in rows:
            model.objects.get_or_create(
                name=name,
                defaults={"category": category, "source": source, "description": description},
            )


def unseed(apps, schema_editor):
    for model_name, rows in (("Threat", THREATS), ("Vulnerability", VULNERABILITIES)):
        model = apps.get_model("risks", model_name)
        model.objects.filter(name__in=[row[0] for row in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
