"""Serve the demo: the web server plus a Celery worker (with beat) in the embedded mode.

Ctrl-C stops everything this command started.
"""

import os
import signal
import subprocess
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server and a background worker together (make demo)."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        python = sys.executable
        children = [
            subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "isms",
                    "worker",
                    "--beat",
                    "--loglevel=INFO",
                    "--concurrency=2",
                    "--pool=threads",
                ],
                env=os.environ.copy(),
            ),
            subprocess.Popen(  # noqa: S603
                [python, "manage.py", "runserver", addrport, "--noreload"], env=os.environ.copy()
            ),
        ]
        self.stdout.write(self.style.SUCCESS(f"Serving on http://{addrport}/ — Ctrl-C stops."))
        try:
            while all(child.poll() is None for child in children):
                try:
                    children[1].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
        self.stdout.write("Stopped.")
