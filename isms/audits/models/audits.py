"""(filled in by the audits work)"""

__all__: list[str] = []
