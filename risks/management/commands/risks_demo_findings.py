"""Link the demo estate's security findings to the demo risk register (risks/demo/register.py).

`make demo` loads the register before the fake AWS runs, so the demo findings appear
only after the first sync; demo_serve starts this command with `--wait` (registered in
RisksConfig.ready(), DEBUG only): it waits for the findings, links them once, then
stays up like the other demo processes (demo_serve stops everything when one exits).
"""

import contextlib
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from isms import audit

POLL_SECONDS = 3


class Command(BaseCommand):
    help = "Link the demo findings to the demo risks (waiting for the first sync with --wait)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait", type=int, default=0, help="Seconds to wait for the demo findings."
        )
        parser.add_argument(
            "--stay", action="store_true", help="Keep running afterwards (for demo_serve)."
        )

    def handle(self, *args, wait, stay, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data is for the demo only: set DEBUG=1.")
        from risks.demo import register as demo

        deadline = time.monotonic() + wait
        while not demo._demo_findings() and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
        with audit.acting_as(None, source="command:risks_demo_findings"), transaction.atomic():
            demo.link_demo_findings(self.stdout)
        if stay:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
