"""python manage.py aws_check <account name or id>

Runs the security checks over the account's stored estate (no AWS call) after its
last finished sync, brings its findings up to date and prints the posture. Exit code
0; the checks also run on their own at the end of every sync.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from assets.aws.checks import Severity
from assets.findings import services
from assets.models import AwsAccount


class Command(BaseCommand):
    help = "Evaluate the security checks over one AWS account's stored resources."

    def add_arguments(self, parser):
        parser.add_argument("account", help="The account's name, 12-digit id or database id.")

    def handle(self, *args, account, **options):
        lookup = Q(name=account) | Q(account_id=account)
        if account.isdigit() and len(account) < 12:
            lookup |= Q(pk=int(account))
        found = AwsAccount.objects.filter(lookup).first()
        if found is None:
            raise CommandError(f"No AWS account named or numbered {account!r}.")
        snapshot = services.findings_evaluate(account=found)
        counts = ", ".join(
            f"{snapshot.by_severity.get(s.value, 0)} {s.label.lower()}" for s in Severity
        )
        not_evaluated = sum(v[2] for v in snapshot.checks.values())
        self.stdout.write(
            f"{found}: {snapshot.open_findings} open finding(s) ({counts}); "
            f"${snapshot.value_at_stake_usd:,.0f} at stake; "
            f"{not_evaluated} result(s) not evaluated."
        )
