"""The ISMS manager: project package and governance core."""

from isms.celery import app as celery_app

__all__ = ("celery_app",)
