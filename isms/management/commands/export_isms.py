"""Export the whole ISMS to one JSON file: `manage.py export_isms <file>`.

What the file holds and leaves out (credentials, uploaded files) is in isms/backup.py
and docs/operations.md. Safe on a running instance: one consistent snapshot.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from isms import backup


class Command(BaseCommand):
    help = "Export the whole ISMS (every record, the audit trail included) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write the export.")

    def handle(self, *args, file: Path, **options):
        try:
            counts = backup.isms_export(path=file)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}") from exc
        self.stdout.write(self.style.SUCCESS(f"Exported {sum(counts.values())} records to {file}."))
