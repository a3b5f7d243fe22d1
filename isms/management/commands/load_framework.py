"""Load a control catalogue or a mapping file: `manage.py load_framework <file>`.

Catalogues: the project's own isms-catalogue/1 (JSON or YAML) or an OSCAL catalog
(JSON). Mappings: isms-mapping/1. The file is validated first; on any problem every
problem is printed and nothing is imported. Re-loading a newer version updates the
controls by id and marks the removed ones withdrawn.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from isms.frameworks import services
from isms.frameworks.catalogue import (
    CatalogueError,
    detect_format,
    load_document,
    parse_catalogue,
    parse_mapping,
)
from isms.models import Framework


class Command(BaseCommand):
    help = "Import a control catalogue (own JSON/YAML or OSCAL JSON) or a mapping file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--code", default="", help="Framework code (default: from file)")
        parser.add_argument("--name", default="", help="Framework name (default: from file)")
        parser.add_argument(
            "--framework-version", default="", help="Framework version (default: from file)"
        )
        parser.add_argument(
            "--select", action="store_true", help="Also select the framework for the ISMS."
        )

    def handle(self, *args, file: Path, code: str, name: str, select: bool, **options):
        version = options["framework_version"]
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        try:
            if detect_format(load_document(raw, file.name)) == "mapping":
                links = services.mapping_import(mapping=parse_mapping(raw, file.name))
                self.stdout.write(self.style.SUCCESS(f"Mapping imported: {links} links."))
                return
            catalogue = parse_catalogue(raw, file.name, code=code, name=name, version=version)
            framework, counts = services.framework_import(catalogue=catalogue)
        except CatalogueError as exc:
            problems = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"{file} was not imported:\n{problems}") from exc
        if select and not framework.selected:
            current = list(Framework.objects.filter(selected=True))
            basis = services.soa_framework()
            services.framework_select(selected=[*current, framework], soa_basis=basis)
        self.stdout.write(
            self.style.SUCCESS(
                f"{framework.name} ({framework.code}): {counts['created']} created, "
                f"{counts['updated']} updated, {counts['withdrawn']} withdrawn, "
                f"{counts['unchanged']} unchanged."
            )
        )
