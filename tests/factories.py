"""factory-boy factories shared by every app's tests."""

import factory
from django.contrib.auth.models import Group

from isms.models import User

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test persona password


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def soa_decide_all(framework, *, reasons=("business",)):
    """Mark every undecided control of `framework` applicable with `reasons`, so that
    its SoA can be frozen (a plain update: no audit events, hence no SoA editors)."""
    from isms.models import ControlImplementation

    ControlImplementation.objects.filter(
        control__framework=framework, applicable__isnull=True
    ).update(applicable=True, reasons=list(reasons))
