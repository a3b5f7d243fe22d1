"""Demo frameworks: ISO/IEC 27001:2022 Annex A and NIST CSF 2.0 loaded with their
mapping; ISO selected as the SoA basis, CSF selected alongside. Idempotent."""

from pathlib import Path

from isms.frameworks import services
from isms.frameworks.catalogue import parse_catalogue, parse_mapping
from isms.models import Framework

DATA = Path(__file__).resolve().parent.parent / "frameworks" / "data"
ISO = ("iso27001-2022.json", "", "", "")
CSF = ("nist-csf-2.0.json", "nist-csf-2.0", "NIST Cybersecurity Framework 2.0", "2.0")
MAPPING = DATA / "mappings" / "iso27001-2022__nist-csf-2.0.json"


def load_builtin(*, refresh: bool = False) -> tuple[Framework, Framework]:
    """Import the two shipped catalogues and their mapping (again when `refresh`)."""
    frameworks = []
    imported = False
    for filename, code, name, version in (ISO, CSF):
        path = DATA / filename
        catalogue = parse_catalogue(
            path.read_bytes(), path.name, code=code, name=name, version=version
        )
        framework = Framework.objects.filter(code=catalogue.code).first()
        if framework is None or refresh:
            framework, _ = services.framework_import(catalogue=catalogue)
            imported = True
        frameworks.append(framework)
    if imported:
        services.mapping_import(mapping=parse_mapping(MAPPING.read_bytes(), MAPPING.name))
    return frameworks[0], frameworks[1]


def load(stdout) -> None:
    iso, csf = load_builtin()
    if not iso.soa_basis:
        services.framework_select(selected=[iso, csf], soa_basis=iso)
    stdout.write(
        f"Frameworks: {iso.name} ({iso.controls.filter(withdrawn=False).count()} controls, "
        f"SoA basis) and {csf.name} "
        f"({csf.controls.filter(withdrawn=False).count()} subcategories)."
    )
