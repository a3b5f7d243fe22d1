"""Wire the audits app into the shared registries (dashboard, reviews due, audit pack,
sidebar, approvals, management-review inputs). One function per part of the app."""


def _audits() -> None:
    """Clauses catalogue, audit programme and audits."""


def _nonconformities() -> None:
    """Nonconformities and corrective action."""


def _reviews() -> None:
    """Management reviews."""


def register_all() -> None:
    _audits()
    _nonconformities()
    _reviews()
