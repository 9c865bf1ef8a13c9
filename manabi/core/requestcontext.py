"""Values that belong to the request being served, readable from services without passing them.

Only for cross-cutting metadata (the request id for logs and audit events), never for anything
that decides access: permission checks always take the actor explicitly.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("manabi_request_id", default=None)
