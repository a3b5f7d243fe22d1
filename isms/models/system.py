from django.db import models


class Heartbeat(models.Model):
    """Proof that a Celery worker runs: the heartbeat task upserts one row per token.

    Beat sends the token "beat" every five minutes; tests and the operator's
    "ping worker" send their own token and wait for its row.
    """

    token = models.CharField(max_length=64, unique=True)
    worker = models.CharField(max_length=200, blank=True)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self):
        return f"{self.token} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
