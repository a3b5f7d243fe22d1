"""(filled in by the reviews work)"""

__all__: list[str] = []
