"""Demo data of the AWS connector: the demo company's production account, which points
at the local fake AWS that `manage.py fake_aws` runs (make demo), a link rule, and the
company's AWS Organization, connected through that account (its members are discovered
when the fake AWS runs: `fake_aws` seeds them and queues the organisation's sync).

Idempotent. The first sync is started by `fake_aws` once the fake estate is seeded:
at `load_demo` time no fake AWS is running yet.
"""

from assets.aws import links, services
from assets.aws.demo.fake import reader_role_arn
from assets.models import Asset, AwsAccount, AwsLinkRule, AwsOrganization

DEMO_ACCOUNT_ID = "111122223333"
DEMO_REGIONS = ["eu-west-1", "eu-central-1"]
DEMO_ACCOUNT_NAME = "Shop production"
# Which demo asset (assets/demo/inventory.py) each part of the fake estate serves.
ESTATE_ASSETS = {
    "web": "A-015",
    "database": "A-013",
    "documents": "A-014",
    "queue": "A-016",
    "sessions": "A-025",
    "warehouse": "A-021",
    "mail": "A-017",
    "identity": "A-023",
}
BACKUP_ASSET = "A-022"
DEMO_ORGANIZATION_NAME = "Shop organisation"
# The sandbox OU's throwaway accounts are left out of the scope: shown, never synced.
DEMO_EXCLUDED_OUS = ["Root / Sandbox"]


def demo_organization() -> AwsOrganization | None:
    return AwsOrganization.objects.filter(name=DEMO_ORGANIZATION_NAME).first()


def demo_account() -> AwsAccount | None:
    return AwsAccount.objects.filter(account_id=DEMO_ACCOUNT_ID).first()


def load(stdout) -> None:
    account = demo_account()
    if account is None:
        account = services.aws_account_create(
            user=None,
            data={
                "name": DEMO_ACCOUNT_NAME,
                "account_id": DEMO_ACCOUNT_ID,
                "role_arn": reader_role_arn(DEMO_ACCOUNT_ID),
                "regions": DEMO_REGIONS,
                "environment": "production",
                "strategy": "per_environment",
                "enabled": True,
                "sync_interval_minutes": 60,
            },
        )
    backups = Asset.objects.filter(ref=BACKUP_ASSET).first()
    if (
        backups
        and not AwsLinkRule.objects.filter(name="Glacier vaults are the backup archive").exists()
    ):
        links.aws_link_rule_create(
            name="Glacier vaults are the backup archive",
            kind="arn",
            arn_pattern=f"arn:aws:glacier:*:{DEMO_ACCOUNT_ID}:vaults/archive-*",
            asset=backups,
            account=account,
            enabled=True,
        )
    if demo_organization() is None:
        services.aws_organization_create(
            user=None,
            data={
                "name": DEMO_ORGANIZATION_NAME,
                "management_account": account,
                "member_role_name": "isms-manager-reader",
                "regions": DEMO_REGIONS[:1],
                "exclude_ous": DEMO_EXCLUDED_OUS,
                "sync_interval_minutes": 360,
                "enabled": True,
            },
        )
    stdout.write(
        f"AWS account {account} and organisation {DEMO_ORGANIZATION_NAME} "
        "(fake AWS, started by make demo)."
    )
