"""API serializers of people: validation only; writes go through services."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from isms.people import selectors
from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person


class CompetenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competence
        fields = ["id", "name", "description"]


class IsmsRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = IsmsRole
        fields = ["id", "name", "responsibilities", "required_competences"]


class PersonSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Person
        fields = ["id", "name", "email", "user", "job_title", "roles", "active"]


class CompetenceRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompetenceRecord
        fields = [
            "id", "person", "competence", "kind", "title", "obtained_on", "expires_on",
            "evidence_url",
        ]  # fmt: skip


class AwarenessCampaignSerializer(serializers.ModelSerializer):
    completion = serializers.SerializerMethodField()

    class Meta:
        model = AwarenessCampaign
        fields = ["id", "title", "policy", "audience_role", "due_date", "completion"]

    def get_completion(self, obj) -> dict:
        return selectors.campaign_completion(obj)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX; see docs/people.md for the columns.")
