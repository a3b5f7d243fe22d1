"""(filled in by the nonconformities work)"""

__all__: list[str] = []
