"""Every list page's filter form, submitted as a browser submits it: every field present,
the ones left at "All" empty (`?status=&treatment=&q=R-001`). An empty value is no
filter (isms.filters.BaseFilterSet); the row searched for must be found (issue 20.1:
the risk register answered "No risks match" to any use of its Filter button)."""

from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.urls import reverse

from assets.suppliers import services as supplier_services
from isms.models import AuditEvent
from risks.filters import RiskFilterSet
from risks.models import Risk, Threat
from tests.assets.factories import AssetFactory
from tests.risks.factories import make_risk


class FilterForm(HTMLParser):
    """The fields of the page's filter form (aria-label "Filter ..."), as the browser
    would submit them: text inputs with their value, a select's selected option (its
    first one when none is), a multiple select's selected options."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.labels: list[str] = []
        self._in_form = False
        self._select = None  # [name, multiple, options, selected]
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("aria-label") or "").startswith("Filter"):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attrs.get("name") and "form" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind != "submit":
                self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], "multiple" in attrs, [], []]
        elif tag == "option" and self._select is not None:
            self._select[2].append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select[3].append(attrs.get("value", ""))
            self._option = True

    def handle_data(self, data):
        if self._option and self._select is not None and not self._select[2][-1]:
            self.labels.append(data.strip())
            self._option = False

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = False
        if tag == "select" and self._select is not None:
            name, multiple, options, selected = self._select
            if multiple:
                self.fields += [(name, value) for value in selected]
            elif options:
                self.fields.append((name, selected[0] if selected else options[0]))
            self._select = None
        if tag == "form" and self._in_form:
            self._in_form = False


def submitted(client, url, **values):
    """The page the filter form of `url` leads to, with every field as the page renders
    it (empty: "All") except `values`."""
    form = FilterForm()
    form.feed(client.get(url).content.decode())
    assert form.fields, f"{url} has no filter form"
    names = {name for name, _ in form.fields}
    assert set(values) <= names, f"{url}: no field {set(values) - names}"
    query = QueryDict(mutable=True)
    for name, value in form.fields:
        if name not in values:
            query.appendlist(name, value)
    for name, value in values.items():
        query[name] = value
    return client.get(url + "?" + query.urlencode()), form


@pytest.fixture
def estate(security_manager):
    asset = AssetFactory(name="Payroll database", value_usd=50_000)
    AssetFactory(name="Marketing site")
    risk = make_risk(security_manager, title="Payroll leak", assets=[asset])
    make_risk(security_manager, title="Site defaced")
    Threat.objects.create(name="Cursed USB stick", category="malware")
    Threat.objects.create(name="Haunted room", category="environmental")
    supplier_services.supplier_create(user=None, data={}, name="Payroll Cloud Ltd")
    supplier_services.supplier_create(user=None, data={}, name="Mailer Inc")
    return {"asset": asset, "risk": risk}


CASES = [
    # (URL, the one real value submitted, text of the row it must find, text it must not)
    ("risks:risk_list", lambda e: {"q": e["risk"].ref}, "Payroll leak", "Site defaced"),
    ("risks:treatment_list", lambda e: {"q": e["risk"].ref}, "Payroll leak", "Site defaced"),
    ("assets:asset_list", lambda e: {"q": "Payroll"}, "Payroll database", "Marketing site"),
    ("audit_log", lambda e: {"q": "Payroll leak"}, "Payroll leak", "Marketing site"),
    ("suppliers:supplier_list", lambda e: {"q": "Payroll"}, "Payroll Cloud Ltd", "Mailer Inc"),
    (
        "risks:catalogue:threats",
        lambda e: {"q": "Cursed"},
        "Cursed USB stick",
        "Haunted server room",
    ),
]


@pytest.mark.parametrize(("name", "values", "found", "absent"), CASES, ids=[c[0] for c in CASES])
def test_the_filter_form_as_the_browser_submits_it(
    name, values, found, absent, estate, client_as, security_manager
):
    url = (
        reverse("risks:catalogue", args=["threats"])
        if name.startswith("risks:catalogue")
        else reverse(name)
    )
    client = client_as(security_manager)
    response, form = submitted(client, url, **values(estate))
    assert response.status_code == 200
    text = response.content.decode()
    assert found in text
    assert absent not in text
    assert "---------" not in form.labels and "Unknown" not in form.labels


def test_every_field_left_at_all_filters_nothing(estate, client_as, security_manager):
    """The register's form submitted untouched lists every risk, as the page did."""
    response, _form = submitted(client_as(security_manager), reverse("risks:risk_list"))
    assert response.context["page"].paginator.count == Risk.objects.count() == 2


def test_an_empty_multiple_choice_is_no_filter(estate):
    """What the old code failed: `status=` was read as the status "" and refused."""
    data = QueryDict("status=&treatment=&owner=&q=" + estate["risk"].ref)
    filterset = RiskFilterSet(data, queryset=Risk.objects.all())
    assert filterset.is_valid(), filterset.errors
    assert list(filterset.qs) == [estate["risk"]]


def test_empty_choices_read_all(estate, client_as, security_manager):
    form = FilterForm()
    form.feed(client_as(security_manager).get(reverse("assets:asset_list")).content.decode())
    assert form.labels and set(form.labels) == {"All"}
    assert AuditEvent.objects.exists()
