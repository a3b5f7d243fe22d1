"""The Celery application.

House rules: tasks take ids (never model instances), are idempotent and safe to run
twice (acks_late re-delivers a task whose worker died), are enqueued with
`transaction.on_commit`, and hold no business logic: each calls one service.
Every task runs inside an audit context, so changes it makes are attributed to it.
"""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isms.settings")

app = Celery("isms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_audit_tokens = {}


@signals.task_prerun.connect
def _enter_audit_context(task_id=None, task=None, **kwargs):
    from isms import audit

    _audit_tokens[task_id] = audit.push_context(source=f"task:{task.name}")


@signals.task_postrun.connect
def _leave_audit_context(task_id=None, **kwargs):
    from isms import audit

    token = _audit_tokens.pop(task_id, None)
    if token is not None:
        audit.pop_context(token)
