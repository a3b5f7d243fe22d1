"""Load the demo organisation: one user per role, then each feature's demo data.

Each feature with demo data provides a module with `load(stdout)`, listed in DEMO_MODULES
in the order their data depends on each other; modules not (yet) present are skipped.
Every `load` is idempotent: running the command twice changes nothing.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from isms import audit

DEMO_MODULES = (
    "isms.demo.users",  # users, one per role
    "isms.demo.frameworks",  # ISO/IEC 27001:2022 and NIST CSF 2.0 catalogues, selection
    "isms.demo.governance",  # scope, policies, approvals
    "assets.demo.inventory",  # the demo company's assets
    "assets.aws.demo.account",  # the fake AWS estate, the demo account and its first sync
    "risks.demo.register",  # methodology, risk register
    "assets.continuity.demo",  # BIA of the business processes, a plan and its exercise
    "risks.incidents.demo",  # two incidents, one closed with lessons learned
    "assets.suppliers.demo.register",  # supplier register, one assessment answered
    "isms.demo.soa",  # control implementations and the approved SoA
    "isms.assurance.demo.assurance",  # control tests, a year of results, evidence expiry
    "isms.context.demo.context",  # issue 14: context, parties, objectives, measures
    "isms.people.demo.team",  # issue 14: people, competences, awareness
    "isms.audits.demo.audits",  # issue 13: clauses 4-10, audit programmes, a completed audit
    "isms.audits.demo.nonconformities",  # issue 13: two NCs (one closed), an improvement
    "isms.audits.demo.reviews",  # issue 13: approved management review (last: its inputs)
)


class Command(BaseCommand):
    help = "Create the demo users (one per role) and load the demo organisation's data."

    def handle(self, *args, **options):
        with audit.acting_as(None, source="command:load_demo"), transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if not name.startswith(exc.name or "-"):
                        raise
                    continue
                module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
