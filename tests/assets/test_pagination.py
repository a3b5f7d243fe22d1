"""Keyset pagination of the asset list page and /api/assets/: every sortable column,
both directions, ties and NULLs, forwards then backwards, without losing or repeating
a row; bad cursors; the limit/offset fallback for older API clients."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assets.filters import SORTS
from assets.models import Asset
from isms.pagination import SortKey, count_capped, encode_cursor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/assets/"


@pytest.fixture
def estate():
    """23 assets with many ties (values, units, classes) and NULLs (owner, review)."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    units = ["ops", "sales", "", "ops"]
    Asset.objects.bulk_create(
        Asset(
            ref=f"R-{n:03d}",
            name=f"n{n % 7}",
            asset_class="essential" if n % 3 == 0 else "support",
            category="process" if n % 3 == 0 else ("software" if n % 2 else "hardware"),
            owner=[alice, bob, None][n % 3],
            business_unit=units[n % 4],
            value_usd=Decimal(n % 4 * 100),
            value_at_stake_usd=Decimal(n % 5 * 1000),
            next_review_date=None if n % 4 == 0 else f"2027-0{n % 3 + 1}-15",
        )
        for n in range(23)
    )
    return list(Asset.objects.select_related("owner"))


def expected(assets, param):
    """The order the list must have: (column, id), NULLs last ascending, first descending."""
    path, _nullable = SORTS[param.lstrip("-")]

    def value(asset):
        for part in path.split("__"):
            asset = getattr(asset, part)
            if asset is None:
                return None
        return asset

    strings = any(isinstance(value(a), str) for a in assets)
    blank = "" if strings else 0
    ascending = sorted(
        assets, key=lambda a: (value(a) is None, blank if value(a) is None else value(a), a.pk)
    )
    ids = [a.pk for a in ascending]
    return ids[::-1] if param.startswith("-") else ids


def walk_api(client, params):
    """Follow `next` to the end, then `previous` back to the start: (ids in order,
    pages going forwards, pages coming back)."""
    pages = []
    body = client.get(URL, {**params, "limit": 5}).json()
    pages.append([r["id"] for r in body["results"]])
    while body["next"]:
        body = client.get(body["next"]).json()
        pages.append([r["id"] for r in body["results"]])
    backwards = [pages[-1]]
    while body["previous"]:
        body = client.get(body["previous"]).json()
        backwards.insert(0, [r["id"] for r in body["results"]])
    return sum(pages, []), pages, backwards


@pytest.mark.parametrize("param", [p for name in SORTS for p in (name, f"-{name}")])
def test_api_pages_through_every_sort_without_gaps_or_repeats(estate, auditor, client_as, param):
    forwards, pages, backwards = walk_api(client_as(auditor), {"ordering": param})
    assert forwards == expected(estate, param)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert backwards == pages


def test_api_pages_of_a_filtered_list(estate, auditor, client_as):
    forwards, _pages, backwards = walk_api(
        client_as(auditor), {"asset_class": "support", "ordering": "-value_at_stake_usd"}
    )
    support = [a for a in estate if a.asset_class == "support"]
    assert forwards == expected(support, "-value_at_stake_usd")
    assert sum(backwards, []) == forwards


def test_list_page_walks_forwards_and_back(estate, security_manager, client_as):
    client = client_as(security_manager)
    url = reverse("assets:asset_list")
    page = client.get(url, {"ordering": "owner"}).context["page"]
    seen = [a.pk for a in page]  # 50 per page: one page holds all 23
    assert seen == expected(estate, "owner") and not page.has_next
    assert page.count == 23 and not page.count_capped

    key = SortKey("value_at_stake_usd", descending=True)
    ordered = expected(estate, "-value_at_stake_usd")
    middle = Asset.objects.get(pk=ordered[9])
    cursor = encode_cursor(key, middle.value_at_stake_usd, middle.pk)
    response = client.get(url, {"ordering": "-value_at_stake_usd", "cursor": cursor})
    page = response.context["page"]
    assert [a.pk for a in page] == ordered[10:]
    html = response.content.decode()
    assert "First" in html and 'rel="prev"' in html and 'rel="next"' not in html
    back = client.get(url, {"ordering": "-value_at_stake_usd", "cursor": page.previous_cursor})
    assert [a.pk for a in back.context["page"]] == ordered[:10]


def test_bad_cursors(estate, auditor, client_as):
    client = client_as(auditor)
    other_sort = encode_cursor(SortKey("name"), "n1", estate[0].pk)
    for cursor in ("not-a-cursor", other_sort, encode_cursor(SortKey("ref"), "x", "pk")):
        response = client.get(URL, {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert "cursor" in response.json()["errors"]["cursor"][0].lower()
    # The page starts over rather than failing: the link was stale or edited.
    page = client.get(reverse("assets:asset_list"), {"cursor": "garbage"}).context["page"]
    assert page.is_first and len(page) == 23


def test_offset_still_works_for_older_clients(estate, auditor, client_as):
    body = client_as(auditor).get(URL, {"ordering": "ref", "limit": 10, "offset": 20}).json()
    assert body["count"] == 23
    assert [r["ref"] for r in body["results"]] == ["R-020", "R-021", "R-022"]
    assert body["next"] is None and "offset=10" in body["previous"]


def test_limit_is_bounded(estate, auditor, client_as):
    client = client_as(auditor)
    assert len(client.get(URL, {"limit": 2}).json()["results"]) == 2
    assert len(client.get(URL, {"limit": 0}).json()["results"]) == 1
    assert len(client.get(URL, {"limit": "many"}).json()["results"]) == 23


def test_count_is_capped(estate):
    assert count_capped(Asset.objects.all(), cap=10) == (10, True)
    assert count_capped(Asset.objects.all(), cap=23) == (23, False)


def test_a_cursor_past_the_end_offers_the_first_page(estate, security_manager, client_as):
    last = Asset.objects.order_by("-ref").first()
    cursor = encode_cursor(SortKey("ref"), last.ref, last.pk)
    response = client_as(security_manager).get(reverse("assets:asset_list"), {"cursor": cursor})
    assert len(response.context["page"]) == 0
    html = response.content.decode()
    assert "No assets match." in html and ">First</a>" in html
