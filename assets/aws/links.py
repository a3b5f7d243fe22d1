"""Links between AWS resources and the assets that depend on them.

Three ways to link, kept apart by `AwsResourceLink.source`:

- by hand, from the resource page or the asset page (`aws_resource_link`); a sync never
  touches these;
- by the built-in tag rule: a resource tagged `isms:asset` = <asset ref> is linked to
  that asset;
- by link rules (`AwsLinkRule`): a tag key and value, or an ARN pattern (* and ?).

Tag and rule links are *derived*: `apply_links()` recomputes them for the resources it
is given, after every sync and whenever a rule changes, adding the missing ones and
removing those whose tag or rule no longer matches. To unlink such a resource, change
its tag or the rule; unlinking it by hand would only last until the next sync.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from django.core.exceptions import ValidationError
from django.db import transaction

from assets.models import Asset, AwsLinkRule, AwsResource, AwsResourceLink
from assets.models.aws import LinkSource
from isms import audit
from isms.models.audit import AuditAction

ASSET_TAG_KEY = "isms:asset"
DERIVED = (LinkSource.TAG, LinkSource.RULE)


def _rule_matches(rule: AwsLinkRule, account_id: int, arn: str, tags: dict) -> bool:
    if rule.account_id is not None and rule.account_id != account_id:
        return False
    if rule.kind == "tag":
        return tags.get(rule.tag_key) == rule.tag_value
    return fnmatchcase(arn, rule.arn_pattern)


def apply_links(resources) -> dict:
    """Bring the tag and rule links of `resources` (a queryset) up to date; returns
    {"added": n, "removed": n}. Runs inside the caller's transaction."""
    rules = list(AwsLinkRule.objects.filter(enabled=True))
    rows = list(resources.values_list("pk", "account_id", "arn", "tags"))
    refs = {
        tags.get(ASSET_TAG_KEY)
        for _, _, _, tags in rows
        if isinstance(tags, dict) and tags.get(ASSET_TAG_KEY)
    }
    asset_ids = dict(Asset.objects.filter(ref__in=refs).values_list("ref", "pk")) if refs else {}

    wanted: dict[tuple[int, int], tuple[str, int | None]] = {}
    for pk, account_id, arn, tags in rows:
        tags = tags if isinstance(tags, dict) else {}
        ref = tags.get(ASSET_TAG_KEY)
        if ref in asset_ids:
            wanted[(pk, asset_ids[ref])] = (LinkSource.TAG, None)
        for rule in rules:
            if (pk, rule.asset_id) not in wanted and _rule_matches(rule, account_id, arn, tags):
                wanted[(pk, rule.asset_id)] = (LinkSource.RULE, rule.pk)

    existing = {
        (link.resource_id, link.asset_id): link
        for link in AwsResourceLink.objects.filter(resource__in=resources)
    }
    stale = [
        key
        for key, link in existing.items()
        if link.source in DERIVED and wanted.get(key) != (link.source, link.rule_id)
    ]
    if stale:
        AwsResourceLink.objects.filter(pk__in=[existing.pop(key).pk for key in stale]).delete()
    new = [
        AwsResourceLink(resource_id=r, asset_id=a, source=source, rule_id=rule_id)
        for (r, a), (source, rule_id) in wanted.items()
        if (r, a) not in existing
    ]
    AwsResourceLink.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return {"added": len(new), "removed": len(stale)}


def aws_resource_link(*, resource: AwsResource, asset: Asset) -> AwsResourceLink:
    """Link a resource to an asset by hand (kept by every sync)."""
    with transaction.atomic():
        link, created = AwsResourceLink.objects.get_or_create(
            resource=resource, asset=asset, defaults={"source": LinkSource.MANUAL}
        )
        if not created and link.source != LinkSource.MANUAL:
            # Pin a derived link, so that it survives a change of tag or rule.
            link.source, link.rule = LinkSource.MANUAL, None
            link.save(update_fields=["source", "rule"])
        audit.record(
            resource,
            AuditAction.UPDATE,
            changes={"assets": [None, asset.ref]},
            message=f"Linked to asset {asset}.",
        )
    return link


def aws_resource_unlink(*, resource: AwsResource, asset: Asset) -> None:
    """Remove a link made by hand. Links made by a tag or a rule are refused with the
    reason: they would come back at the next sync."""
    with transaction.atomic():
        link = AwsResourceLink.objects.filter(resource=resource, asset=asset).first()
        if link is None:
            return
        if link.source == LinkSource.TAG:
            raise ValidationError(
                f"Linked by its {ASSET_TAG_KEY} tag: remove or change the tag in AWS to unlink."
            )
        if link.source == LinkSource.RULE:
            raise ValidationError(
                f"Linked by the rule “{link.rule}”: change or disable the rule to unlink."
            )
        link.delete()
        audit.record(
            resource,
            AuditAction.UPDATE,
            changes={"assets": [asset.ref, None]},
            message=f"Unlinked from asset {asset}.",
        )


RULE_FIELDS = ("name", "kind", "tag_key", "tag_value", "arn_pattern", "asset", "account", "enabled")


def aws_link_rule_create(**fields) -> AwsLinkRule:
    """Create a link rule and apply it to every live resource at once."""
    with transaction.atomic():
        rule = AwsLinkRule(**{k: v for k, v in fields.items() if k in RULE_FIELDS})
        rule.full_clean()
        rule.save()
        audit.record_created(rule)
        apply_links(AwsResource.objects.live())
    return rule


def aws_link_rule_update(*, rule: AwsLinkRule, **fields) -> AwsLinkRule:
    """Change a link rule and re-apply the rules to every live resource."""
    with transaction.atomic():
        before = audit.snapshot(rule)
        for name, value in fields.items():
            if name in RULE_FIELDS:
                setattr(rule, name, value)
        rule.full_clean()
        rule.save()
        audit.record_change(rule, before)
        apply_links(AwsResource.objects.live())
    return rule


def aws_link_rule_delete(*, rule: AwsLinkRule) -> None:
    """Delete a link rule; the links it made go with it."""
    with transaction.atomic():
        audit.record_deleted(rule)
        rule.delete()
