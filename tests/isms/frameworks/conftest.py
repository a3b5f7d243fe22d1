"""Fixtures of the frameworks and SoA tests: the shipped catalogues, loaded and chosen."""

from pathlib import Path

import pytest

from isms.frameworks import evidence, services, treatments
from isms.frameworks.catalogue import parse_catalogue, parse_mapping

DATA = Path(services.__file__).resolve().parent / "data"


def load(filename, **kwargs):
    path = DATA / filename
    framework, _ = services.framework_import(
        catalogue=parse_catalogue(path.read_bytes(), path.name, **kwargs)
    )
    return framework


@pytest.fixture
def iso(db):
    """ISO/IEC 27001:2022 Annex A, selected as the SoA basis (93 implementations)."""
    framework = load("iso27001-2022.json")
    services.framework_select(selected=[framework], soa_basis=framework)
    framework.refresh_from_db()
    return framework


@pytest.fixture
def csf(db):
    return load("nist-csf-2.0.json", code="nist-csf-2.0", name="NIST CSF 2.0", version="2.0")


@pytest.fixture
def mapping(iso, csf):
    path = DATA / "mappings" / "iso27001-2022__nist-csf-2.0.json"
    return services.mapping_import(mapping=parse_mapping(path.read_bytes(), path.name))


@pytest.fixture
def risk_provider():
    """register(mapping {control pk: [reference, ...]}) installs a treatments provider for
    the test, as the risk register does in its AppConfig.ready()."""

    def register(links: dict):
        def provider(control_ids, viewer=None):
            return {
                pk: [treatments.RiskRef(reference=ref, title=f"Risk {ref}") for ref in refs]
                for pk, refs in links.items()
                if pk in control_ids
            }

        return treatments.providers.register(provider)

    with treatments.providers.override():
        yield register


@pytest.fixture
def check_provider():
    """register(mapping {control pk: (passed, failed)}) installs an evidence provider."""

    def register(results: dict):
        def provider(control_ids, viewer=None):
            return {
                pk: [
                    evidence.CheckEvidence(
                        check="s3-bucket-encryption", passed=p, failed=f, url="/assets/findings/"
                    )
                ]
                for pk, (p, f) in results.items()
                if pk in control_ids
            }

        return evidence.providers.register(provider)

    with evidence.providers.override():
        yield register
