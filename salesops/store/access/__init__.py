"""Workspaces, members, share links, the audit trail and working-copy leases on a Store (:class:`Access`).

May import :mod:`salesops.model` and the rest of :mod:`salesops.store` only.
"""

from salesops.store.access.access import Access
from salesops.store.access.audit import ACTIONS, AuditEvent
from salesops.store.access.base import ANONYMOUS, MAX_DETAIL_CHARS, ROLES, PermissionDenied, normalize_email
from salesops.store.access.leases import STALE_AFTER_S, DraftInUse
from salesops.store.access.links import LINK_TOKEN_BYTES, LinkUnavailable, ShareLink
from salesops.store.access.workspaces import Member, Workspace

__all__ = [
    "ACTIONS",
    "ANONYMOUS",
    "LINK_TOKEN_BYTES",
    "MAX_DETAIL_CHARS",
    "ROLES",
    "STALE_AFTER_S",
    "Access",
    "AuditEvent",
    "DraftInUse",
    "LinkUnavailable",
    "Member",
    "PermissionDenied",
    "ShareLink",
    "Workspace",
    "normalize_email",
]
