from django.contrib import admin

from isms.people.models import AwarenessCampaign, Competence, CompetenceRecord, IsmsRole, Person


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    search_fields = ("name", "description")
    list_filter = ("roles",)


@admin.register(IsmsRole)
class IsmsRoleAdmin(admin.ModelAdmin):
    search_fields = ("name", "responsibilities")
    list_filter = ("required_competences",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "job_title", "active")
    list_filter = ("active", "roles")
    search_fields = ("name", "email", "job_title")


@admin.register(CompetenceRecord)
class CompetenceRecordAdmin(admin.ModelAdmin):
    list_display = ("person", "title", "kind", "obtained_on", "expires_on")
    list_filter = ("kind", "competence")
    search_fields = ("title", "person__name")


@admin.register(AwarenessCampaign)
class AwarenessCampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "policy", "due_date")
    list_filter = ("policy",)
    search_fields = ("title",)
