"""Run a local fake AWS (moto) seeded with the demo company's estate, then start the
demo account's first sync. Started by `make demo` (demo_serve) before the worker; for
the demo and development only, never against AWS."""

import contextlib
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assets.aws import services
from isms import audit

READY_BUCKET = "isms-fake-aws-ready"  # in the worker's own account: not part of the estate


class Command(BaseCommand):
    help = "Run a fake AWS (moto server) with the demo estate and sync the demo account."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=5005)
        parser.add_argument("--no-sync", action="store_true", help="Do not start a sync.")

    def handle(self, *args, port, no_sync, **options):
        if not settings.DEBUG:
            raise CommandError("The fake AWS is for the demo only: set DEBUG=1.")
        # The demo package and moto (a development dependency) only once it runs.
        from assets.aws.demo import account as demo
        from assets.aws.demo.estate import seed_demo_estate, seed_demo_organization
        from assets.aws.demo.fake import FakeAws

        fake = FakeAws(port=port).start()
        self.stdout.write(f"Fake AWS listening on {fake.endpoint_url}")
        refs = dict(demo.ESTATE_ASSETS)
        seed_demo_estate(
            fake, account_id=demo.DEMO_ACCOUNT_ID, regions=demo.DEMO_REGIONS, assets=refs
        )
        self.stdout.write(f"Seeded the demo estate in {', '.join(demo.DEMO_REGIONS)}.")
        members = seed_demo_organization(fake, management_account_id=demo.DEMO_ACCOUNT_ID)
        self.stdout.write(f"Seeded the demo organisation: {', '.join(sorted(members))}.")
        # demo_serve waits for this bucket (its ready URL) before it starts the worker.
        fake.client(fake.session(), "s3").create_bucket(Bucket=READY_BUCKET)
        account = demo.demo_account()
        if account is None:
            self.stdout.write("No demo account (run load_demo): no sync started.")
        elif not no_sync:
            organization = demo.demo_organization()
            with audit.acting_as(None, source="command:fake_aws"):
                if organization is not None:
                    # Discovery, then a sync of the management account and each member.
                    services.aws_organization_sync_queue(organization=organization)
                    self.stdout.write(f"Sync of organisation {organization} queued.")
                else:
                    run, _ = services.aws_account_sync(account=account)
                    self.stdout.write(f"Sync #{run.pk} of {account} queued.")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
        fake.stop()
