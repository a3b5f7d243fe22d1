"""Forms of the AWS connector: validation only; the services hold the rules."""

from django import forms

from assets import permissions as asset_perms
from assets.aws.session import known_regions
from assets.models import Asset, AwsAccount, AwsLinkRule, AwsOrganization, AwsResource
from isms.relations import limit_choices


class AwsAccountForm(forms.ModelForm):
    """Connect or edit an account. The ExternalId is generated, never typed."""

    regions = forms.MultipleChoiceField(
        required=False,
        help_text="None selected: every region enabled for the account is pulled.",
    )

    class Meta:
        model = AwsAccount
        fields = [
            "name",
            "account_id",
            "role_arn",
            "regions",
            "environment",
            "strategy",
            "enabled",
            "sync_interval_minutes",
        ]
        help_texts = {"account_id": "12 digits, e.g. 123456789012."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = set(known_regions()) | set(self.instance.regions or [])
        self.fields["regions"].choices = [(r, r) for r in sorted(regions)]
        self.fields["regions"].widget.attrs["size"] = 8


class AwsLinkRuleForm(forms.ModelForm):
    class Meta:
        model = AwsLinkRule
        fields = [
            "name",
            "kind",
            "tag_key",
            "tag_value",
            "arn_pattern",
            "asset",
            "account",
            "enabled",
        ]
        help_texts = {
            "arn_pattern": "Wildcards * and ?, e.g. arn:aws:s3:::payments-*.",
            "tag_key": "For a tag rule, e.g. app.",
        }


class ResourceLinkForm(forms.Form):
    """Link a resource to one of the assets the user may edit."""

    asset = forms.ModelChoiceField(queryset=Asset.objects.none(), label="Asset")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        assets = asset_perms.visible_assets(user, Asset.objects.only("pk", "ref", "name"))
        if not user.has_perm("assets.add_awsresourcelink"):
            assets = assets.filter(owner=user)
        self.fields["asset"].queryset = assets.order_by("ref")


class AssetLinkForm(forms.Form):
    """Link a live resource to the asset (from the asset page), among those the user may
    see: another's resource is refused like one that does not exist."""

    resource = forms.ModelChoiceField(queryset=AwsResource.objects.live(), label="Resource")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self, user, resource=asset_perms.visible_resources)


class AwsOrganizationForm(forms.ModelForm):
    """Connect or edit an organisation. The ExternalId is generated, never typed."""

    regions = forms.MultipleChoiceField(
        required=False,
        help_text="Regions new members pull; none selected: every region enabled for each.",
    )

    class Meta:
        model = AwsOrganization
        fields = [
            "name",
            "management_account",
            "member_role_name",
            "regions",
            "sync_interval_minutes",
            "enabled",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = set(known_regions()) | set(self.instance.regions or [])
        self.fields["regions"].choices = [(r, r) for r in sorted(regions)]
        self.fields["regions"].widget.attrs["size"] = 8
        # One organisation per management account.
        self.fields["management_account"].queryset = AwsAccount.objects.exclude(
            managed_organization__in=AwsOrganization.objects.exclude(pk=self.instance.pk)
        )
