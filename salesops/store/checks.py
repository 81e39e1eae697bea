"""Ids, clock and the checks of a caller's arguments, shared by the store and :mod:`salesops.store.access`."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from typing import Any

from salesops.model.scenario import Scenario
from salesops.store.errors import StoreError, UnknownScenario

ID_BYTES = 12  # secrets.token_urlsafe(12): 16 characters, 96 random bits
MAX_ID_CHARS = 64
MAX_EMAIL_CHARS = 254
MAX_LIST = 10_000
_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _new_id() -> str:
    """An unguessable URL-safe id (16 characters of ``secrets.token_urlsafe(12)``).

    An id never starts with ``-``, so it can be typed as a command-line argument
    (``scenarios show ID``) without being taken for an option; redrawing those
    ids costs less than 0.03 of the 96 random bits.
    """
    while True:
        token = secrets.token_urlsafe(ID_BYTES)
        if not token.startswith("-"):
            return token


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _show(value: Any) -> str:
    """``repr`` of a caller's value, cut short if it is long."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_scenario(scenario: Any) -> Scenario:
    if not isinstance(scenario, Scenario):
        raise StoreError(f"expected a Scenario, got {type(scenario).__name__}")
    return scenario


def _check_version(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise StoreError(f"{what} must be a whole number >= 1, got {_show(value)}")
    return value


def _check_text(value: Any, what: str, *, blank_ok: bool = True) -> str:
    if not isinstance(value, str):
        raise StoreError(f"{what} must be a string, got {type(value).__name__}")
    if not blank_ok and not value.strip():
        raise StoreError(f"{what} must not be blank, got {value!r}")
    return value


def _check_ref(ref: Any, what: str) -> tuple[str, int]:
    if not isinstance(ref, (tuple, list)) or len(ref) != 2 or not isinstance(ref[0], str):
        raise StoreError(f"{what} must be a (scenario_id, version) pair, got {_show(ref)}")
    return ref[0], _check_version(ref[1], f"{what} version")


def _check_id(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise UnknownScenario(f"unknown {what} {_show(value)}")
    return value
