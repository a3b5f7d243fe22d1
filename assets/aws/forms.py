"""Forms of the AWS connector: validation only; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assets import permissions as asset_perms
from assets.aws.session import known_regions
from assets.models import Asset, AwsAccount, AwsLinkRule, AwsOrganization, AwsResource
from isms.relations import limit_choices


class AwsAccountForm(forms.ModelForm):
    """Connect or edit an account. The ExternalId is generated, never typed."""

    regions = forms.MultipleChoiceField(
        required=False,
        help_text=_("None selected: every region enabled for the account is pulled."),
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

    asset = forms.ModelChoiceField(queryset=Asset.objects.none(), label=_("Asset"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        assets = asset_perms.visible_assets(user, Asset.objects.only("pk", "ref", "name"))
        if not user.has_perm("assets.add_awsresourcelink"):
            assets = assets.filter(owner=user)
        self.fields["asset"].queryset = assets.order_by("ref")


class AssetLinkForm(forms.Form):
    """Link a live resource to the asset (from the asset page), among those the user may
    see: another's resource is refused like one that does not exist."""

    resource = forms.ModelChoiceField(queryset=AwsResource.objects.live(), label=_("Resource"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self, user, resource=asset_perms.visible_resources)


class OuPathsField(forms.CharField):
    """OU paths, one a line (Root / Workloads / Prod), as a list; checked by the model."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class AwsOrganizationForm(forms.ModelForm):
    """Connect or edit an organisation. The ExternalId is generated, never typed."""

    regions = forms.MultipleChoiceField(
        required=False,
        help_text=_("Regions new members pull; none selected: every region enabled for each."),
    )
    include_ous = OuPathsField(
        label=_("OUs included"),
        required=False,
        help_text=_(
            "One OU path a line, e.g. Root / Workloads: only their accounts (sub-OUs "
            "included) are synced. Empty: every OU."
        ),
    )
    exclude_ous = OuPathsField(
        label=_("OUs excluded"),
        required=False,
        help_text=_(
            "One OU path a line, e.g. Root / Workloads / Sandbox: their accounts are "
            "never synced, even inside an included OU."
        ),
    )

    class Meta:
        model = AwsOrganization
        fields = [
            "name",
            "management_account",
            "member_role_name",
            "regions",
            "include_ous",
            "exclude_ous",
            "sync_interval_minutes",
            "enabled",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = sorted(
            {p for p in self.instance.accounts.values_list("ou_path", flat=True) if p}
            if self.instance.pk
            else set()
        )
        if known:
            for name in ("include_ous", "exclude_ous"):
                self.fields[name].help_text += " Known OUs: " + "; ".join(known) + "."
        regions = set(known_regions()) | set(self.instance.regions or [])
        self.fields["regions"].choices = [(r, r) for r in sorted(regions)]
        self.fields["regions"].widget.attrs["size"] = 8
        # One organisation per management account.
        self.fields["management_account"].queryset = AwsAccount.objects.exclude(
            managed_organization__in=AwsOrganization.objects.exclude(pk=self.instance.pk)
        )
