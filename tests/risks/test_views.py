"""The pages: register (filters, sort, columns, inline and bulk edit, export, import),
risk pages, heatmap, treatment, methodology and catalogues, with role access."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from risks.models import MethodologyVersion, Risk, Threat
from tests.assets.factories import AssetFactory
from tests.risks.factories import make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(methodology, security_manager, owner):
    asset = AssetFactory(ref="A-900", name="Customer database", value_usd=500_000)
    return [
        make_risk(
            security_manager,
            assets=[asset],
            title="Ransomware on the database",
            owner=owner,
            inherent_likelihood=4,
            inherent_impact=5,
        ),
        make_risk(
            security_manager,
            title='=HYPERLINK("http://evil")',
            inherent_likelihood=1,
            inherent_impact=1,
        ),
        make_risk(
            security_manager, title="Region outage", inherent_likelihood=2, inherent_impact=4
        ),
    ]


# --- Register ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona_name", ["security_manager", "manager", "auditor", "admin"])
def test_every_role_reads_the_whole_register(register, persona, client_as, persona_name):
    response = client_as(persona(persona_name)).get(reverse("risks:risk_list"))
    assert response.status_code == 200
    for risk in register:
        assert risk.ref.encode() in response.content


def test_owners_see_only_their_risks_and_outsiders_none(register, owner, outsider, client_as):
    response = client_as(owner).get(reverse("risks:risk_list"))
    assert b"R-001" in response.content and b"R-002" not in response.content
    response = client_as(outsider).get(reverse("risks:risk_list"))
    assert b"No risks match" in response.content
    assert (
        client_as(outsider).get(reverse("risks:risk_detail", args=[register[0].pk])).status_code
        == 404
    )


def test_filter_search_sort_and_columns_are_in_the_url(register, security_manager, client_as):
    client = client_as(security_manager)
    response = client.get(reverse("risks:risk_list"), {"q": "A-900"})
    assert b"R-001" in response.content and b"R-003" not in response.content
    response = client.get(reverse("risks:risk_list"), {"q": "outage"})
    assert [row["risk"].ref for row in response.context["rows"]] == ["R-003"]
    response = client.get(reverse("risks:risk_list"), {"q": "r-002"})
    assert [row["risk"].ref for row in response.context["rows"]] == ["R-002"]
    response = client.get(reverse("risks:risk_list"), {"sort": "-ale_usd"})
    rows = [row["risk"].ref for row in response.context["rows"]]
    assert rows[0] == "R-001"
    response = client.get(reverse("risks:risk_list"), {"inherent_level": 1})
    assert [r["risk"].ref for r in response.context["rows"]] == ["R-002"]
    response = client.get(reverse("risks:risk_list"), {"cols": ["ref", "title", "sle"]})
    assert [c.key for c in response.context["columns"]] == ["ref", "title", "sle"]
    assert b"sort=sle_usd" in response.content and b"sort=threat" not in response.content


def test_register_query_count_is_constant(
    register, security_manager, client_as, django_assert_max_num_queries
):
    client = client_as(security_manager)
    client.get(reverse("risks:risk_list"))  # warm the session
    for _ in range(30):
        make_risk(
            security_manager,
            assets=[AssetFactory(), AssetFactory()],
            inherent_likelihood=3,
            inherent_impact=3,
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("risks:risk_list"), {"per_page": 100})
    assert len(response.context["rows"]) == 33


def test_each_rows_editors_select_that_rows_values(register, security_manager, owner, client_as):
    # The <option> lists are built once per (menu, value) and shared between rows.
    html = client_as(security_manager).get(reverse("risks:risk_list")).content.decode()
    rows = {risk.ref: html.split(f'id="risk-{risk.pk}"')[1].split("</tr>")[0] for risk in register}
    assert f'<option value="{owner.pk}" selected>' in rows["R-001"]
    assert f'<option value="{owner.pk}" selected>' not in rows["R-002"]
    assert '<option value="" selected>—</option>' in rows["R-002"]
    likelihood = {ref: row.split('"field": "inherent_likelihood"')[1] for ref, row in rows.items()}
    assert '<option value="4" selected>' in likelihood["R-001"].split("</select>")[0]
    assert '<option value="2" selected>' in likelihood["R-003"].split("</select>")[0]
    for risk, other in zip(register, register[1:] + register[:1], strict=True):
        assert f'hx-post="{reverse("risks:risk_inline", args=[risk.pk])}"' in rows[risk.ref]
        assert reverse("risks:risk_inline", args=[other.pk]) not in rows[risk.ref]


def test_inline_edit_updates_the_level_colour_at_once(register, security_manager, client_as):
    risk = register[2]
    response = client_as(security_manager).post(
        reverse("risks:risk_inline", args=[risk.pk]),
        {"field": "inherent_likelihood", "value": "5", "version": risk.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    risk.refresh_from_db()
    assert (risk.inherent_likelihood, risk.inherent_level, risk.version) == (5, 4, 2)
    html = response.content.decode()
    assert html.lstrip().startswith("<tr")
    assert "risk-level-red" in html and "Critical" in html
    assert f'"version": "{risk.version}"' in html
    assert "style=" not in html


def test_inline_edit_with_a_stale_version_is_refused(register, security_manager, client_as):
    risk = register[2]
    client = client_as(security_manager)
    url = reverse("risks:risk_inline", args=[risk.pk])
    client.post(url, {"field": "status", "value": "analysed", "version": 1})
    response = client.post(url, {"field": "inherent_impact", "value": "1", "version": 1})
    assert response.status_code == 409
    assert b"Status: Identified \xe2\x86\x92 Analysed" in response.content
    assert b"Not saved" in response.content
    risk.refresh_from_db()
    assert (risk.inherent_impact, risk.status) == (4, "analysed")


def test_inline_edit_out_of_scale_and_forbidden(register, security_manager, owner, client_as):
    risk = register[0]
    url = reverse("risks:risk_inline", args=[risk.pk])
    response = client_as(security_manager).post(
        url, {"field": "inherent_impact", "value": "9", "version": risk.version}
    )
    assert response.status_code == 400
    assert b"between 1 and 5" in response.content
    response = client_as(owner).post(
        url, {"field": "inherent_impact", "value": "1", "version": risk.version}
    )
    assert response.status_code == 403
    response = client_as(owner).post(
        url, {"field": "treatment", "value": "mitigate", "version": risk.version}
    )
    assert response.status_code == 200
    risk.refresh_from_db()
    assert (risk.treatment, risk.inherent_impact) == ("mitigate", 5)


def test_bulk_edit(register, security_manager, manager, owner, client_as):
    url = reverse("risks:risk_bulk")
    data = {"risks": [register[1].pk, register[2].pk], "owner": owner.username}
    assert client_as(manager).post(url, data).status_code == 403
    response = client_as(security_manager).post(url, data)
    assert response.status_code == 302
    assert Risk.objects.filter(owner=owner).count() == 3


def test_export_is_formula_safe(register, auditor, client_as):
    response = client_as(auditor).get(reverse("risks:risk_list"), {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # Headers in words (issue 20.9); the importer reads them back.
    assert rows[0][:3] == ["Reference", "Title", "Description"]
    assert "Annual loss expectancy ($)" in rows[0]
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles["R-002"].startswith("'=HYPERLINK")
    response = client_as(auditor).get(reverse("risks:risk_list"), {"export": "xlsx", "q": "R-001"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2 and sheet["A2"].value == "R-001"


def test_outsiders_cannot_export(register, outsider, client_as):
    response = client_as(outsider).get(reverse("risks:risk_list"), {"export": "csv"})
    assert response.status_code == 403


def _csv_file(rows, name="risks.csv"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    upload = io.BytesIO(buffer.getvalue().encode())
    upload.name = name
    return upload


def test_import_is_all_or_nothing_with_row_numbers(register, security_manager, client_as):
    Threat.objects.get_or_create(name="Ransomware")
    header = ["title", "assets", "threat", "owner", "inherent_likelihood", "inherent_impact"]
    upload = _csv_file(
        [
            header,
            ["Good row", "A-900", "Ransomware", "owner", "3", "3"],
            ["No asset", "", "", "", "", ""],
            ["Bad scale", "A-900", "Unknown threat", "nobody", "7", "2"],
        ]
    )
    response = client_as(security_manager).post(reverse("risks:risk_import"), {"file": upload})
    assert response.status_code == 400
    errors = response.context["errors"]
    assert any(e.startswith("Row 3: assets") for e in errors)
    assert any(e.startswith("Row 4: threat") for e in errors)
    assert any(e.startswith("Row 4: owner") for e in errors)
    assert any(e.startswith("Row 4: inherent_likelihood") for e in errors)
    assert Risk.objects.count() == 3
    upload = _csv_file(
        [
            header,
            ["Good row", "A-900", "Ransomware", "owner", "3", "3"],
            ["Second", "a-900", "", "", "2", "2"],
        ]
    )
    response = client_as(security_manager).post(reverse("risks:risk_import"), {"file": upload})
    assert response.status_code == 302
    assert Risk.objects.count() == 5
    assert Risk.objects.get(title="Good row").inherent_level == 3


def test_import_reads_the_export_vocabulary(register, security_manager, client_as):
    """Issue 20.9: the export's headers and names (Likelihood, Status "Analysed") import."""
    header = ["Title", "Assets", "Status", "Likelihood", "Impact", "Treatment"]
    upload = _csv_file([header, ["In words", "A-900", "Analysed", "2", "3", "Mitigate"]])
    response = client_as(security_manager).post(reverse("risks:risk_import"), {"file": upload})
    assert response.status_code == 302, response.context and response.context["errors"]
    risk = Risk.objects.get(title="In words")
    assert (risk.status, risk.treatment, risk.inherent_likelihood) == ("analysed", "mitigate", 2)


def test_import_xlsx(register, security_manager, client_as):
    workbook = Workbook()
    workbook.active.append(["title", "assets", "inherent_likelihood", "inherent_impact"])
    workbook.active.append(["From Excel", "A-900", 2, 3])
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "risks.xlsx"
    response = client_as(security_manager).post(reverse("risks:risk_import"), {"file": upload})
    assert response.status_code == 302
    assert Risk.objects.get(title="From Excel").inherent_impact == 3


# --- Risk pages -------------------------------------------------------------------------------


def test_create_a_risk_through_the_form(methodology, security_manager, client_as):
    AssetFactory(ref="A-901", value_usd=10_000)
    client = client_as(security_manager)
    response = client.post(
        reverse("risks:risk_create"),
        {
            "title": "Lost laptop",
            "assets": "A-901",
            "status": "identified",
            "inherent_likelihood": "3",
            "inherent_impact": "2",
        },
    )
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert risk.ref == "R-001" and risk.inherent_level == 2
    response = client.post(
        reverse("risks:risk_create"), {"title": "x", "assets": "A-404", "status": "identified"}
    )
    assert response.status_code == 200
    assert "Unknown asset reference(s): A-404" in response.content.decode()


def test_edit_conflict_shows_what_changed(register, security_manager, persona, client_as):
    risk = register[2]
    client = client_as(security_manager)
    page = client.get(reverse("risks:risk_edit", args=[risk.pk]))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value not in (None, [])}
    data["assets"] = "A-900"
    # Someone else saves first.
    from risks import services

    services.risk_update(
        risk=risk,
        user=persona("admin"),
        data={"title": "Renamed", "inherent_likelihood": 1, "status": "analysed"},
        expected_version=risk.version,
    )
    data["inherent_impact"] = "1"
    response = client.post(reverse("risks:risk_edit", args=[risk.pk]), data)
    assert response.status_code == 409, response.context["form"].errors
    alert = response.content.decode().split('role="alert"')[1].split("</div>")[0]
    # In words, as the register shows them (issue 20.5): labels, choice names, numbers as
    # the page formats them; never field names or raw model values.
    assert "Title: " in alert and "→ Renamed" in alert
    assert "→ Analysed" in alert and "analysed" not in alert
    assert "ikelihood: " in alert and "→ 1 · " in alert  # the scale's name of level 1
    assert "inherent_likelihood" not in alert
    risk.refresh_from_db()
    assert (risk.title, risk.inherent_impact) == ("Renamed", 4)


def test_risk_detail_and_role_access(register, security_manager, auditor, owner, client_as):
    risk = register[0]
    response = client_as(auditor).get(risk.get_absolute_url())
    assert response.status_code == 200
    assert b"Customer database" in response.content and b"$500,000" in response.content
    assert client_as(auditor).get(reverse("risks:risk_edit", args=[risk.pk])).status_code == 403
    assert client_as(owner).get(reverse("risks:risk_edit", args=[risk.pk])).status_code == 200
    assert client_as(auditor).post(reverse("risks:risk_delete", args=[risk.pk])).status_code == 403
    assert (
        client_as(security_manager).post(reverse("risks:risk_delete", args=[risk.pk])).status_code
        == 302
    )
    assert not Risk.objects.filter(pk=risk.pk).exists()


# --- Heatmap, treatment -------------------------------------------------------------------------


def test_heatmap_counts_cells_and_links_to_the_register(register, auditor, client_as):
    response = client_as(auditor).get(reverse("risks:heatmap"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-cell="4x5">1<' in html
    assert "?inherent_likelihood=4&amp;inherent_impact=5" in html
    assert response.context["inherent_total"] == 3
    filtered = client_as(auditor).get(
        reverse("risks:risk_list"), {"inherent_likelihood": 4, "inherent_impact": 5}
    )
    assert [r["risk"].ref for r in filtered.context["rows"]] == ["R-001"]


def test_treatment_page(register, manager, client_as):
    response = client_as(manager).get(reverse("risks:treatment_list"))
    assert response.status_code == 200
    assert b"R-003" in response.content


# --- Methodology ----------------------------------------------------------------------------------


def test_methodology_draft_edit_and_submit(security_manager, auditor, client_as):
    client = client_as(security_manager)
    response = client.post(reverse("risks:methodology_create"), {"preset": "3x3"})
    version = MethodologyVersion.objects.get()
    assert response.url == reverse("risks:methodology_version_edit", args=[version.pk])
    page = client.get(response.url)
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["cell_2_2"] = ""
    response = client.post(reverse("risks:methodology_version_edit", args=[version.pk]), data)
    assert response.status_code == 400
    assert "Choose a risk level for this cell." in response.content.decode()
    data["cell_2_2"] = "high"
    data["acceptance_criteria"] = "All High risks need management."
    response = client.post(reverse("risks:methodology_version_edit", args=[version.pk]), data)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.content["matrix"]["2x2"] == "high"
    client.post(reverse("risks:methodology_version_submit", args=[version.pk]))
    version.refresh_from_db()
    assert version.approval_state == "in_review"
    assert client_as(auditor).get(reverse("risks:methodology")).status_code == 200
    assert client_as(auditor).post(reverse("risks:methodology_create")).status_code == 403


# --- Catalogues -----------------------------------------------------------------------------------


def test_catalogues_are_seeded_and_editable(security_manager, auditor, client_as):
    response = client_as(auditor).get(reverse("risks:catalogue", args=["threats"]))
    assert b"Accidental information disclosure" in response.content
    assert b"Ransomware" in response.content
    assert (
        client_as(auditor).get(reverse("risks:catalogue_add", args=["threats"])).status_code == 403
    )
    response = client_as(security_manager).post(
        reverse("risks:catalogue_add", args=["vulnerabilities"]),
        {"name": "Weak TLS ciphers", "category": "Network", "is_active": "on"},
    )
    assert response.status_code == 302
    assert client_as(auditor).get(reverse("risks:catalogue", args=["nope"])).status_code == 404
