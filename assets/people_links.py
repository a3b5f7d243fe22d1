"""Personnel assets shown on the people register (issue 14): a provider of
`isms.people.links`, registered from `AssetsConfig.ready()` (`isms` never imports
`assets`)."""


def personnel_assets_of(person_ids) -> dict[int, list[str]]:
    """The personnel assets linked to each person, as "A-012 Jane Doe", in one query."""
    from assets.models import Asset

    out: dict[int, list[str]] = {}
    rows = Asset.objects.filter(person_id__in=list(person_ids)).order_by("ref")
    for person_id, ref, name in rows.values_list("person_id", "ref", "name"):
        out.setdefault(person_id, []).append(f"{ref} {name}")
    return out


def register() -> None:
    from isms.people import links

    links.providers.register(personnel_assets_of)
