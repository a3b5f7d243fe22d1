"""python manage.py aws_sync <account name or id> [--wait]

Starts a sync of one account (or joins the one under way). With --wait, shows the
progress until the run ends; the exit code is 0 for succeeded or partial (partial is
printed as such, with the failed services), 1 for failed.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from assets.aws import services
from assets.models import AwsAccount, SyncRun


class Command(BaseCommand):
    help = "Sync one AWS account; --wait shows progress and exits non-zero if it fails."

    def add_arguments(self, parser):
        parser.add_argument("account", help="The account's name, 12-digit id or database id.")
        parser.add_argument("--wait", action="store_true", help="Wait for the run to end.")
        parser.add_argument("--timeout", type=int, default=3600, help="Seconds to wait at most.")

    def handle(self, *args, account, wait, timeout, **options):
        lookup = Q(name=account) | Q(account_id=account)
        if account.isdigit() and len(account) < 12:
            lookup |= Q(pk=int(account))
        found = AwsAccount.objects.filter(lookup).first()
        if found is None:
            raise CommandError(f"No AWS account named or numbered {account!r}.")
        try:
            run, created = services.aws_account_sync(account=found)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        verb = "Queued" if created else "Joined the sync already under way:"
        self.stdout.write(f"{verb} sync #{run.pk} of {found}.")
        if not wait:
            return
        run = self._follow(run.pk, timeout)
        self._report(run)

    def _follow(self, run_id: int, timeout: int) -> SyncRun:
        deadline = time.monotonic() + timeout
        shown = None
        while True:
            run = SyncRun.objects.get(pk=run_id)
            state = (run.status, run.partitions_done, run.partitions_total)
            if state != shown:
                total = run.partitions_total or "?"
                self.stdout.write(
                    f"  {run.get_status_display():<9} {run.partitions_done}/{total} partitions "
                    f"({run.percent}%)"
                )
                shown = state
            if not run.is_active:
                return run
            if time.monotonic() > deadline:
                raise CommandError(f"Sync #{run.pk} still {run.status} after {timeout} s.")
            time.sleep(1)

    def _report(self, run: SyncRun) -> None:
        for service, counts in sorted(run.counts.items()):
            failed = f"  FAILED in {counts['failed']} region(s)" if counts.get("failed") else ""
            self.stdout.write(
                f"  {service:<17} seen {counts.get('seen', 0):>6}  "
                f"new {counts.get('created', 0):>5}  gone {counts.get('gone', 0):>5}{failed}"
            )
        for partition in run.partitions.filter(status="failed"):
            self.stdout.write(
                self.style.WARNING(
                    f"  {partition.service} in {partition.region}: {partition.error_code} "
                    f"{partition.error_hint or partition.error_message}"
                )
            )
        if run.status == "succeeded":
            self.stdout.write(self.style.SUCCESS(f"Sync #{run.pk} succeeded."))
        elif run.status == "partial":
            self.stdout.write(
                self.style.WARNING(
                    f"Sync #{run.pk} PARTIAL: some services could not be read (above); "
                    "their resources were left as they were."
                )
            )
        else:
            raise CommandError(f"Sync #{run.pk} failed: {run.error_code} {run.error_message}")
