"""python manage.py aws_sync <account name or id> [--wait] [--inline]

Starts a sync of one account (or joins the one under way). With --wait, shows the
progress until the run ends *and its security checks have run*, then prints the posture;
the exit code is 0 for succeeded or partial (partial is printed as such, with the failed
services), 1 for failed. When no worker picks the run up within a few seconds (the
embedded mode with no worker running), it says how to start one.

With --inline the sync and its checks run in this process, without a worker (Celery's
eager mode): for a laptop, a cron job or a first try.
"""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from assets.aws import services
from assets.aws.checks.base import Severity
from assets.models import AwsAccount, PostureSnapshot, SyncRun
from isms.celery import app as celery_app

# Seconds a run may stay queued before --wait says that no worker seems to be running.
NO_WORKER_AFTER = 10


class Command(BaseCommand):
    help = "Sync one AWS account; --wait shows progress and exits non-zero if it fails."

    def add_arguments(self, parser):
        parser.add_argument("account", help="The account's name, 12-digit id or database id.")
        parser.add_argument("--wait", action="store_true", help="Wait for the run to end.")
        parser.add_argument("--timeout", type=int, default=3600, help="Seconds to wait at most.")
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Run the sync and its checks in this process, without a worker (implies --wait).",
        )

    def handle(self, *args, account, wait, timeout, inline, **options):
        lookup = Q(name=account) | Q(account_id=account)
        if account.isdigit() and len(account) < 12:
            lookup |= Q(pk=int(account))
        found = AwsAccount.objects.filter(lookup).first()
        if found is None:
            raise CommandError(f"No AWS account named or numbered {account!r}.")
        eager_before = celery_app.conf.task_always_eager
        if inline:
            # Every task this sync queues (partitions, then the checks) runs right here
            # as it is queued, after its transaction commits.
            celery_app.conf.task_always_eager = True
        try:
            try:
                run, created = services.aws_account_sync(account=found)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            verb = "Queued" if created else "Joined the sync already under way:"
            self.stdout.write(f"{verb} sync #{run.pk} of {found}.")
            if inline and not created:
                # Idempotent: finished partitions are kept, the others collected here.
                services.sync_run_start(run_id=run.pk)
        finally:
            celery_app.conf.task_always_eager = eager_before
        if not (wait or inline):
            return
        deadline = time.monotonic() + timeout
        run = self._follow(run.pk, deadline)
        self._report(run)
        if run.status != "failed":  # a failed run collected nothing to check
            self._posture(run, deadline)
        if run.status == "failed":
            raise CommandError(f"Sync #{run.pk} failed: {run.error_code} {run.error_message}")

    def _follow(self, run_id: int, deadline: float) -> SyncRun:
        started = time.monotonic()
        shown = None
        hinted = False
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
            if (
                not hinted
                and run.status == "queued"
                and time.monotonic() - started > NO_WORKER_AFTER
            ):
                hinted = True
                self.stdout.write(
                    self.style.WARNING(
                        f"  No worker has picked sync #{run.pk} up after {NO_WORKER_AFTER} s. "
                        "Start one (`celery -A isms worker`; `make demo` starts one), or run "
                        "this command again with --inline to sync in this process."
                    )
                )
            if time.monotonic() > deadline:
                raise CommandError(f"Sync #{run.pk} still {run.status} when the timeout ran out.")
            time.sleep(1)

    def _posture(self, run: SyncRun, deadline: float) -> None:
        """Wait for the checks that follow the run, then print the posture they found."""
        while (posture := PostureSnapshot.objects.filter(run=run).first()) is None:
            if time.monotonic() > deadline:
                raise CommandError(
                    f"The checks of sync #{run.pk} had not run when the timeout ran out."
                )
            time.sleep(1)
        severities = ", ".join(
            f"{posture.by_severity[severity]} {severity}"
            for severity in Severity.values
            if posture.by_severity.get(severity)
        )
        self.stdout.write(
            f"Checks: {posture.open_findings} open finding(s)"
            + (f" ({severities})" if severities else "")
            + f"; value at stake ${posture.value_at_stake_usd:,.0f}."
        )

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
