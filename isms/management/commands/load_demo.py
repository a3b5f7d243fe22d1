"""Load the demo organisation: one user per role, then each app's demo data.

Each app that has demo data provides `<app>/demo.py` with `load(stdout)`; this command
calls them in dependency order (isms, assets, risks). Running it twice changes nothing.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from isms import audit

APPS = ("isms", "assets", "risks")


class Command(BaseCommand):
    help = "Create the demo users (one per role) and load the demo organisation's data."

    def handle(self, *args, **options):
        with audit.acting_as(None, source="command:load_demo"), transaction.atomic():
            for app in APPS:
                try:
                    module = importlib.import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
