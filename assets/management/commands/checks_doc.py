"""python manage.py checks_doc [--check]

Writes docs/checks.md from the catalogue of security checks; with --check, only says
(exit code 1) whether the file is out of date."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assets.aws.checks.doc import render


def doc_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "checks.md"


class Command(BaseCommand):
    help = "Generate docs/checks.md from the catalogue of security checks."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if out of date.")

    def handle(self, *args, check, **options):
        path = doc_path()
        text = render()
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if check:
            if current != text:
                raise CommandError(f"{path} is out of date: run `manage.py checks_doc`.")
            self.stdout.write(f"{path} is up to date.")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}.")
