"""The one error type for entity data that is not valid Wikibase JSON."""


class EntityFormatError(ValueError):
    """Invalid entity data: a machine-readable code, the JSON path and the reason."""

    def __init__(self, code: str, path: str, reason: str):
        super().__init__(f"{code} at {path}: {reason}")
        self.code = code
        self.path = path
        self.reason = reason

    def as_dict(self) -> dict:
        return {"code": self.code, "path": self.path, "reason": self.reason}
