"""Importing catalogues and mappings into the database: by id, withdrawn never deleted,
organisation data kept, and all or nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from isms.frameworks import services
from isms.frameworks.catalogue import CatalogueError, parse_catalogue, parse_mapping
from isms.models import AuditEvent, Control, ControlGroup, ControlMapping, Framework
from isms.models.audit import AuditAction
from tests.counts import CSF_CATEGORIES, CSF_FUNCTIONS, CSF_SUBCATEGORIES, ISO_CONTROLS
from tests.isms.frameworks.conftest import DATA


def acme(controls, version="1"):
    return parse_catalogue(
        json.dumps(
            {
                "format": "isms-catalogue/1",
                "framework": {"code": "acme", "name": "ACME", "version": version},
                "groups": [{"id": "A", "title": "Access", "theme": "access"}],
                "controls": [{"group": "A", **c} for c in controls],
            }
        )
    )


def test_iso_import_creates_the_93_controls_grouped_by_theme(iso):
    assert iso.controls.count() == ISO_CONTROLS
    assert set(iso.controls.values_list("theme", flat=True)) == {
        "organizational",
        "people",
        "physical",
        "technological",
    }
    control = iso.controls.get(identifier="8.24")
    assert control.title == "Use of cryptography"
    assert control.group.title == "Technological controls"
    assert iso.controls.filter(implementation__isnull=False).count() == ISO_CONTROLS


def test_csf_import_counts(csf):
    assert (csf.name, csf.version, csf.source_format) == ("NIST CSF 2.0", "2.0", "oscal")
    assert csf.groups.filter(parent__isnull=True).count() == 6
    assert csf.groups.filter(parent__isnull=False, withdrawn=False).count() == 22
    assert csf.controls.filter(withdrawn=False).count() == CSF_SUBCATEGORIES
    assert csf.controls.get(identifier="GV.OC-01").group.identifier == "GV.OC"


@pytest.mark.django_db
def test_reimport_updates_by_id_withdraws_removed_and_keeps_organisation_data(security_manager):
    framework, counts = services.framework_import(
        catalogue=acme([{"id": "A-1", "title": "Old title"}, {"id": "A-2", "title": "Two"}])
    )
    assert counts == {"created": 2, "updated": 0, "withdrawn": 0, "unchanged": 0}
    services.framework_select(selected=[framework], soa_basis=framework)
    implementation = Control.objects.get(identifier="A-2").implementation
    services.control_implementation_update(
        implementation=implementation,
        user=security_manager,
        data={"applicable": True, "reasons": ["legal"]},
    )

    framework, counts = services.framework_import(
        catalogue=acme(
            [{"id": "A-1", "title": "New title"}, {"id": "A-3", "title": "Three"}], version="2"
        )
    )
    assert counts == {"created": 1, "updated": 1, "withdrawn": 1, "unchanged": 0}
    assert Framework.objects.get(code="acme").version == "2"
    assert Control.objects.get(identifier="A-1").title == "New title"
    removed = Control.objects.get(identifier="A-2")
    assert removed.withdrawn
    removed.implementation.refresh_from_db()
    assert removed.implementation.applicable is True  # nothing lost
    assert removed.implementation.reasons == ["legal"]
    # The new control of a selected framework gets its implementation record.
    assert Control.objects.get(identifier="A-3").implementation.applicable is None
    assert (
        AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(framework.pk)).count()
        == 2
    )


def test_mapping_import_links_controls(mapping, iso, csf):
    assert mapping == ControlMapping.objects.count() == 174
    control = iso.controls.get(identifier="5.1")
    assert set(control.mapped_to.values_list("identifier", flat=True)) == {"GV.PO-01", "GV.PO-02"}


def test_mapping_with_unknown_ids_imports_nothing(iso, csf):
    raw = json.dumps(
        {
            "format": "isms-mapping/1",
            "source": "iso27001-2022",
            "target": "nist-csf-2.0",
            "mappings": [
                {"source": "5.1", "targets": ["GV.PO-01"]},
                {"source": "9.9", "targets": ["XX-01"]},
            ],
        }
    )
    with pytest.raises(CatalogueError) as error:
        services.mapping_import(mapping=parse_mapping(raw))
    assert error.value.problems == [
        "Unknown iso27001-2022 control '9.9'.",
        "Unknown nist-csf-2.0 control 'XX-01'.",
    ]
    assert ControlMapping.objects.count() == 0


@pytest.mark.django_db
def test_load_framework_command_imports_oscal(tmp_path):
    call_command(
        "load_framework",
        str(DATA / "nist-csf-2.0.json"),
        "--code",
        "nist-csf-2.0",
        "--framework-version",
        "2.0",
        "--select",
    )
    framework = Framework.objects.get(code="nist-csf-2.0")
    assert framework.selected
    assert (framework.source_format, framework.version) == ("oscal", "2.0")
    assert Control.objects.filter(framework=framework, withdrawn=False).count() == CSF_SUBCATEGORIES
    assert (
        ControlGroup.objects.filter(framework=framework).count() == CSF_FUNCTIONS + CSF_CATEGORIES
    )


@pytest.mark.django_db
def test_load_framework_command_lists_every_problem_and_imports_nothing(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "format": "isms-catalogue/1",
                "framework": {"code": "bad", "name": "Bad"},
                "groups": [],
                "controls": [{"id": "1", "title": "a"}, {"id": "1", "title": "b"}, {"id": "2"}],
            }
        )
    )
    with pytest.raises(CommandError) as error:
        call_command("load_framework", str(path))
    assert "Duplicate control id '1'." in str(error.value)
    assert "Control '2' has no title." in str(error.value)
    assert not Framework.objects.exists()


@pytest.mark.django_db
def test_load_framework_command_imports_a_mapping(iso, csf):
    call_command("load_framework", str(DATA / "mappings" / "iso27001-2022__nist-csf-2.0.json"))
    assert ControlMapping.objects.count() == 174
