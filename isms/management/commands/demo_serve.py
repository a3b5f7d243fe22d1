"""Serve the demo: the processes apps declare (isms.demo.processes), a Celery worker
with beat in the embedded mode, and the web server. Ctrl-C (or a SIGTERM, as from
`kill` or a process manager) stops everything it started.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from isms.demo import processes as demo_processes


@contextlib.contextmanager
def stop_on_sigterm():
    """Within the block, SIGTERM stops the command the way Ctrl-C does (it raises
    KeyboardInterrupt), so that the children are stopped too; the previous handler is
    restored after."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Command(BaseCommand):
    help = "Run the web server, a background worker and the demo's helpers (make demo)."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        python = sys.executable
        env = os.environ.copy()
        children: list[subprocess.Popen] = []
        with stop_on_sigterm():
            self._serve(python, env, children, addrport)
        self.stdout.write("Stopped.")

    def _serve(self, python, env, children, addrport):
        try:
            for process in demo_processes.discover():
                env.update(process.env)
                children.append(subprocess.Popen([python, *process.argv], env=env))  # noqa: S603
                if process.ready_url:
                    self._wait_for(process.name, process.ready_url, children[-1])
            children.append(
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
                    env=env,
                )
            )
            children.append(
                subprocess.Popen(  # noqa: S603
                    [python, "manage.py", "runserver", addrport, "--noreload"], env=env
                )
            )
            self.stdout.write(self.style.SUCCESS(f"Serving on http://{addrport}/ (Ctrl-C stops)"))
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
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

    def _wait_for(self, name, url, child, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child.poll() is not None:
                raise CommandError(f"{name} exited with code {child.returncode}.")
            try:
                with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - local URL
                    return
            except OSError:
                time.sleep(0.3)
        raise CommandError(f"{name} did not answer at {url} within {timeout} s.")
