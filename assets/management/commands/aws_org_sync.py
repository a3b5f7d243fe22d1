"""python manage.py aws_org_sync <organisation name or id> [--discover-only] [--inline]

Discovers the organisation's member accounts again (new members connected, moved ones
re-filed under their OU, suspended, closed or departed ones disabled), tests each
enabled member's connection and queues a sync of every member that answers. A member
whose role cannot be assumed is listed with the reason and the fix; the others go on.
With --inline every sync and its checks run in this process, without a worker.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from assets.aws import services
from assets.models import AwsOrganization
from isms.celery import app as celery_app


class Command(BaseCommand):
    help = "Discover an AWS organisation's member accounts and sync them all."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="The organisation's name or database id.")
        parser.add_argument(
            "--discover-only", action="store_true", help="Discover the members, sync nothing."
        )
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Run the member syncs and their checks in this process, without a worker.",
        )

    def handle(self, *args, organization, discover_only, inline, **options):
        lookup = Q(name=organization)
        if organization.isdigit():
            lookup |= Q(pk=int(organization))
        found = AwsOrganization.objects.filter(lookup).first()
        if found is None:
            raise CommandError(f"No AWS organisation named or numbered {organization!r}.")
        eager_before = celery_app.conf.task_always_eager
        if inline:
            celery_app.conf.task_always_eager = True
        try:
            if discover_only:
                outcome = services.aws_organization_discover(organization=found)
                for key, ids in outcome.items():
                    self.stdout.write(f"  {key:<9} {', '.join(ids) or '-'}")
            else:
                result = services.aws_organization_sync(organization=found)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        finally:
            celery_app.conf.task_always_eager = eager_before
        found.refresh_from_db()
        self.stdout.write(f"Organisation {found}: {found.discovery_message}")
        if discover_only:
            return
        for run in result["runs"]:
            run.refresh_from_db()
            self.stdout.write(f"  sync #{run.pk} of {run.account}: {run.get_status_display()}")
        for account in result["failed"]:
            self.stdout.write(
                self.style.WARNING(f"  {account}: connection failed: {account.connection_message}")
            )
        if result["failed"] and not result["runs"]:
            raise CommandError("No member account could be reached.")
