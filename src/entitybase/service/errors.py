"""Service errors: a code (the Wikibase REST API error code where one exists), a message
and an optional context, as the REST API reports them."""


class ServiceError(Exception):
    code = "unexpected-error"

    def __init__(self, code: str | None = None, message: str = "", context: dict | None = None):
        self.code = code or self.code
        self.message = message or self.code
        self.context = context
        super().__init__(f"{self.code}: {self.message}")

    def as_dict(self) -> dict:
        result = {"code": self.code, "message": self.message}
        if self.context is not None:
            result["context"] = self.context
        return result


class EntityNotFound(ServiceError):
    def __init__(self, entity_id: str):
        super().__init__("resource-not-found", f"Could not find an entity with the ID: {entity_id}",
                         {"resource_type": "entity"})
        self.entity_id = entity_id


class EntityRedirected(ServiceError):
    def __init__(self, entity_id: str, target_id: str):
        super().__init__("redirected-item", f"{entity_id} has been redirected to {target_id}",
                         {"redirect_target": target_id})
        self.entity_id = entity_id
        self.target_id = target_id


class RevisionNotFound(ServiceError):
    def __init__(self, entity_id: str, revision_id: int):
        super().__init__("resource-not-found",
                         f"{entity_id} has no revision {revision_id}",
                         {"resource_type": "revision"})
        self.entity_id = entity_id
        self.revision_id = revision_id


class EditConflict(ServiceError):
    def __init__(self, entity_id: str, base_revision: int | None, head_revision: int | None):
        super().__init__("edit-conflict",
                         f"{entity_id} was edited since revision {base_revision}",
                         {"base_revision": base_revision, "head_revision": head_revision})


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "You are not allowed to do this", reason: str = "permission"):
        super().__init__("permission-denied", message, {"denial_reason": reason})


class RuleViolation(ServiceError):
    """An edit breaks a rule (uniqueness, invalid input); code and context as the REST API."""


class InvalidInput(RuleViolation):
    def __init__(self, code: str, message: str, context: dict | None = None):
        super().__init__(code, message, context)


def data_policy_violation(violation: str, context: dict) -> RuleViolation:
    return RuleViolation("data-policy-violation", "Edit violates data policy",
                         {"violation": violation, "violation_context": context})
