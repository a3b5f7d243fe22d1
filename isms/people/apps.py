from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """People, ISMS roles and competences (7.2), awareness campaigns (7.3, A.6.3)."""

    name = "isms.people"
    label = "people"
    verbose_name = _("People, competence and awareness")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from isms import dashboard
        from isms.governance import audit_pack
        from isms.people import tasks  # noqa: F401  (the worker and beat find them)
        from isms.people.audit_pack import people_files
        from isms.people.selectors import people_figures

        audit_pack.register(people_files)
        dashboard.register_figure(people_figures)
        from isms import navigation

        for item in (
            navigation.Item(
                _("People"), "people:person_list", "bi-person-badge",
                section=navigation.ASSURANCE, permission="people.view_person",
            ),
            navigation.Item(
                _("ISMS roles"), "people:role_list", "bi-diagram-3",
                section=navigation.ASSURANCE, permission="people.view_ismsrole",
            ),
            navigation.Item(
                _("Competence"), "people:competence_record_list", "bi-mortarboard",
                section=navigation.ASSURANCE, permission="people.view_competencerecord",
            ),
            navigation.Item(
                _("Awareness campaigns"), "people:campaign_list", "bi-megaphone",
                section=navigation.ASSURANCE, permission="people.view_awarenesscampaign",
            ),
        ):  # fmt: skip
            navigation.register(item)
