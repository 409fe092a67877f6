"""Who is acting: a person (session) or a machine (token), and from where.

Every service takes ``actor=`` so authorization and audit never depend on a request object.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kendali.core.models import MachineToken, User


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    token: MachineToken | None = None
    ip: str | None = None
    label_override: str | None = field(default=None)
    # The capability one module grants another when it acts for this person, e.g.
    # "dispatch.assign_unit" when an assignment marks the incident in progress. The owning
    # module's service checks it and the audit entry records it; it never widens the scope.
    on_behalf: str | None = field(default=None)

    @classmethod
    def system(cls, label: str = "sistem") -> Actor:
        """A job with no person behind it; ``label`` names the job (shown in the audit)."""
        return cls(label_override=label)

    def acting_for(self, capability: str) -> Actor:
        """The same person (user or token, IP) acting through another module with
        ``capability`` ("<module>.<what>", e.g. "dispatch.assign_unit")."""
        return replace(self, on_behalf=capability)

    def may(self, capability: str) -> bool:
        """Whether this actor carries ``capability`` granted by a calling module."""
        return self.on_behalf == capability

    @classmethod
    def from_request(cls, request) -> Actor:
        token = getattr(request, "machine_token", None)
        user = (
            request.user
            if getattr(request, "user", None) and request.user.is_authenticated
            else None
        )
        return cls(user=user, token=token, ip=client_ip(request))

    @property
    def label(self) -> str:
        if self.label_override:
            return self.label_override
        if self.user is not None:
            return self.user.username
        if self.token is not None:
            return f"token:{self.token.name}"
        return "anonim"

    @property
    def is_system(self) -> bool:
        return self.user is None and self.token is None and self.label_override is not None

    def has_perm(self, perm: str) -> bool:
        if self.is_system:
            return True
        return self.user is not None and self.user.has_perm(perm)

    def has_scope(self, scope: str) -> bool:
        return self.token is not None and self.token.is_active and self.token.has_scope(scope)

    @property
    def agency_id(self) -> int | None:
        if self.user is not None:
            return self.user.agency_id
        if self.token is not None:
            return self.token.agency_id
        return None


def client_ip(request) -> str | None:
    # REMOTE_ADDR is set by the ASGI server; a reverse proxy in front must be
    # configured to pass the client address (uvicorn --proxy-headers).
    return request.META.get("REMOTE_ADDR") or None
