"""Factories of the AWS connector's records."""

import factory

from assets.models import AwsAccount


class AwsAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwsAccount

    name = factory.Sequence(lambda n: f"Account {n}")
    account_id = factory.Sequence(lambda n: f"{100000000000 + n}")
    role_arn = factory.LazyAttribute(lambda a: f"arn:aws:iam::{a.account_id}:role/isms-reader")
    regions = factory.LazyFunction(lambda: ["eu-west-1"])
