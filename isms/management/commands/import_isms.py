"""Import an ISMS export into a freshly migrated database: `manage.py import_isms <file>`.

All or nothing. Refused, before anything is written: a damaged file, another format or
schema version, a database that already has users or audit events (isms/backup.py).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from isms import backup


class Command(BaseCommand):
    help = "Import an ISMS export (from export_isms) into an empty, freshly migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The file written by export_isms.")

    def handle(self, *args, file: Path, **options):
        try:
            result = backup.isms_import(path=file)
        except backup.BackupError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        except OSError as exc:
            raise CommandError(f"Nothing was imported. Cannot read {file}: {exc.strerror}") from exc
        self.stdout.write(self.style.SUCCESS(f"Imported {result.total} records from {file}."))
        if result.missing_files:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(result.missing_files)} uploaded file(s) are referenced but not in "
                    "MEDIA_ROOT; copy them from the old instance's media folder:"
                )
            )
            for name in result.missing_files:
                self.stdout.write(f"  {name}")
        self.stdout.write(
            "Passwords, two-factor devices and API tokens are not exported: set a password "
            "(`manage.py changepassword <user>`) and ask users to enrol again."
        )
