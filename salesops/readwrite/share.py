"""A scenario in a URL: a compact, versioned, checksummed token, no database needed.

A token looks like ``3.3f9a0c2e.eNqrVkrLz1eyUkpKLFKqBQA...``:

* ``3`` is the codec version (:data:`CODEC_VERSION`), so a later app can change
  the encoding and still read old links, and an old app can say that a link is
  too new instead of calling it damaged;
* ``3f9a0c2e`` is the first 8 hex digits of the SHA-256 of the payload text that
  follows it, so a link damaged in transit (any character changed, the end cut off
  by a mail client) is refused instead of opening as a different, valid scenario.
  Codec 1 took the checksum of the JSON inside; a change to the unused bits at the
  end of the deflate stream then went unseen (harmless, the same scenario, but not
  refused). Codec 1 links still open;
* the rest is the compact JSON (``separators=(",", ":")``), deflated at level 9
  and written in URL-safe base64 without padding.

The JSON is :meth:`Scenario.to_dict` with the defaults left out: region, role-plan
and position fields at the codec's own fixed defaults, assumptions at the
sourced defaults of ``data/assumptions.json`` and catalog roles that are exactly
as in ``data/roles.json`` (written as their id). The last two can change between
releases, so the token then also carries ``ref``, a fingerprint of exactly the
values it left out; if they have changed since the link was made, :func:`decode`
refuses the link rather than open a scenario with different figures.

A token is untrusted input. :func:`decode` checks its type and length before
anything else, guards against decompression bombs (:data:`MAX_JSON_BYTES`) and
raises only :class:`ShareError`, whose message says what is wrong.

Examples
--------
>>> from salesops.model.samples import load_sample
>>> scenario = load_sample("midmarket")
>>> token = encode(scenario)
>>> token.startswith("3.") and len(token) < 1000
True
>>> decode(token) == scenario
True
>>> decode("3.00000000.abc")
Traceback (most recent call last):
...
salesops.readwrite.share.ShareError: the link is damaged or truncated (checksum mismatch); ask for a fresh link
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import zlib
from dataclasses import fields, replace
from typing import Any

from salesops.model.roles import load_catalog
from salesops.model.scenario import SCHEMA_NAME, Assumptions, Scenario, ScenarioError

__all__ = [
    "CODEC_VERSION",
    "MAX_JSON_BYTES",
    "MAX_TOKEN_CHARS",
    "ShareError",
    "decode",
    "encode",
]

CODEC_VERSION = 3
READABLE_CODECS = (1, 2, 3)
# 6,000 characters: browsers take far longer URLs (Chrome about 2 MB), but common
# servers and proxies refuse a request line over 8 KB (nginx's default header
# buffer, Apache's LimitRequestLine 8190); 6,000 leaves room for the rest of the URL.
MAX_TOKEN_CHARS = 6_000
# The JSON inside a token may expand to at most 2 MB; more is a decompression bomb.
MAX_JSON_BYTES = 2_000_000
CHECKSUM_CHARS = 8
ZLIB_LEVEL = 9
_ENCODE_PIECE_BYTES = 16_384

_DAMAGED = "the link is damaged or truncated ({}); ask for a fresh link"
_PAYLOAD_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_CHECKSUM = re.compile(r"[0-9a-f]{%d}" % CHECKSUM_CHARS)
_DIGITS = re.compile(r"[0-9]{1,6}")

# Defaults fixed by codec 1 (not read from the dataclasses, so that changing a
# dataclass default later cannot change what an old link means).
_REGION_DEFAULTS: dict[str, Any] = {"tz_offset_hours": 0.0, "market_complexity": 0.3, "cost_index": 1.0}
_PLAN_DEFAULTS: dict[str, Any] = {"placement": "centralized", "sizing": "auto", "central_fte": 0.0, "local_fte": {}}
# Codec 3 (model version 4) adds the role plan's process.
_PLAN_DEFAULTS_3: dict[str, Any] = {**_PLAN_DEFAULTS, "process": "standard"}
_POSITION_DEFAULTS: dict[str, Any] = {
    "manager_id": None,
    "title": "",
    "region": "",
    "cost_usd_per_year": 0.0,
    "fte": 1.0,
    "role_id": "",
    "count": 1,
    "department": "",
}


# The assumptions each codec knows. A link's ``ref`` fingerprints the default values it left
# out; a decoder checks only the assumptions the link's own codec knew, so adding an assumption
# (which needs a new codec: tests/test_share.py checks the last entry lists them all) does not
# break older links. Assumptions an old link does not know take their defaults.
_CODEC_1_ASSUMPTIONS = (
    "rep_hours_per_week", "ops_hours_per_week", "baseline_selling_time_share", "max_selling_time_share",
    "productivity_elasticity", "quota_usd_per_rep", "quota_attainment", "gross_margin", "attrition_per_year",
    "ramp_months", "ops_benefit_ramp_months", "shared_business_hours", "handoff_delay_hours",
    "distance_knowledge_floor", "coordination_overhead_per_channel", "max_coordination_overhead",
    "service_level_target", "max_utilization", "max_response_hours", "horizon_months", "company_revenue_usd",
)  # fmt: skip
_CODEC_3_ASSUMPTIONS = (
    "selling_conversion", "discount_leakage_share", "forecast_accuracy_share", "data_quality_share",
    "plan_consistency_share", "embedded_adherence", "standard_process_overhead", "ops_hiring_lag_months",
    "ops_recruiting_cost_usd", "reorg_one_off_usd", "reorg_rep_departure_share", "rep_replacement_cost_usd",
    "peak_cover",
)  # fmt: skip
ASSUMPTIONS_BY_CODEC: dict[int, frozenset[str]] = {
    1: frozenset(_CODEC_1_ASSUMPTIONS),
    2: frozenset(_CODEC_1_ASSUMPTIONS) | {"discount_rate"},
    3: frozenset(_CODEC_1_ASSUMPTIONS) | {"discount_rate"} | frozenset(_CODEC_3_ASSUMPTIONS),
}
# Defaults that changed after a codec was made: a link of that codec left them out at the value it
# knew, so it is read with that value (the figures it was made with), not today's default.
_OLD_DEFAULTS: dict[int, dict[str, Any]] = {
    1: {"productivity_elasticity": 0.7},
    2: {"productivity_elasticity": 0.7},
}
# Role fields each codec knows: a catalog role written as its id is rebuilt with these only (the
# others take their defaults: a role had no control and no peaks before codec 3).
_CODEC_3_ROLE_FIELDS = frozenset({"control", "peak_factor", "peak_share"})
_NEW_ROLE_FIELDS: dict[int, frozenset[str]] = {1: _CODEC_3_ROLE_FIELDS, 2: _CODEC_3_ROLE_FIELDS, 3: frozenset()}


class ShareError(ValueError):
    """A scenario cannot be put in a link, or a link cannot be opened; the message says why."""


# --------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------
def _same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON kind (so 1 and True, or 0 and 0.0 in an int field, stay apart)."""
    return type(a) is type(b) and a == b


def _without(record: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not (k in defaults and _same(v, defaults[k]))}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _fingerprint(reference: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(reference).encode("utf-8")).hexdigest()[:CHECKSUM_CHARS]


def _reference_assumptions() -> dict[str, Any]:
    defaults = Assumptions.defaults()
    return {name: getattr(defaults, name) for name in defaults.__dataclass_fields__}


def _compact(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the smallest dict that rebuilds it exactly."""
    full = replace(scenario, positions=()).to_dict()  # positions below, from every field
    catalog = {rid: spec.to_dict() for rid, spec in load_catalog().items()}
    defaults = _reference_assumptions()
    reference: dict[str, Any] = {"roles": {}, "assumptions": {}}
    out: dict[str, Any] = {"version": full["version"], "name": full["name"], "hq_region": full["hq_region"]}
    out["staffing"], out["model_version"] = full["staffing"], full["model_version"]
    if full.get("generalists"):
        out["generalists"] = True
    if full["description"]:
        out["description"] = full["description"]
    out["regions"] = [_without(r, _REGION_DEFAULTS) for r in full["regions"]]
    roles = []
    for plan in full["roles"]:
        item = _without(plan, _PLAN_DEFAULTS_3)
        spec = plan["role"]
        known = catalog.get(spec["id"])
        # Written as its id only when identical as JSON (150000 and 150000.0 differ), so the
        # decoded document, and the fingerprint the decoder recomputes, are exactly these.
        if known is not None and _canonical(known) == _canonical(spec):
            item["role"] = spec["id"]
            reference["roles"][spec["id"]] = known
        roles.append(item)
    out["roles"] = roles
    assumptions = {}
    for name, value in full["assumptions"].items():
        if _same(value, defaults[name]):
            reference["assumptions"][name] = value
        else:
            assumptions[name] = value
    if assumptions:
        out["assumptions"] = assumptions
    if scenario.positions:
        # From every field, not Position.to_dict(), which drops the dataclass's own defaults.
        out["positions"] = [
            _without({f.name: getattr(p, f.name) for f in fields(p)}, _POSITION_DEFAULTS) for p in scenario.positions
        ]
    for name in ("charter", "objectives", "actuals", "initiatives"):
        if full.get(name):
            out[name] = full[name]
    if reference["roles"] or reference["assumptions"]:
        out["ref"] = _fingerprint(reference)
    return out


def encode(scenario: Scenario) -> str:
    """Encode a scenario as a URL-safe token.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    str
        ``"3.<checksum>.<payload>"``: the codec version, the first 8 hex digits
        of the SHA-256 of the JSON, and the deflated JSON in base64url without
        padding. Only the characters ``A-Z a-z 0-9 - _ .`` occur, so the token
        needs no escaping in a query parameter.

    Raises
    ------
    ShareError
        If the token would be longer than :data:`MAX_TOKEN_CHARS` (6,000
        characters): an imported org of a few hundred people does not fit in a
        link, and must be saved to the database and shared from there instead.

    Examples
    --------
    >>> from salesops.model.samples import load_sample
    >>> encode(load_sample("startup"))[:2]
    '3.'
    """
    if not isinstance(scenario, Scenario):
        raise ShareError(f"only a Scenario can be shared, got {type(scenario).__name__}")
    text = json.dumps(_compact(scenario), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    raw = text.encode("utf-8")
    prefix_length = len(f"{CODEC_VERSION}.") + CHECKSUM_CHARS + 1
    # Deflate in pieces and stop once the output cannot fit (base64 spends 4 characters
    # on 3 bytes): a 10,000-person org is refused without being compressed in full.
    budget = (MAX_TOKEN_CHARS - prefix_length) * 3 // 4
    deflater = zlib.compressobj(ZLIB_LEVEL)
    pieces, size = [], 0
    for start in range(0, len(raw), _ENCODE_PIECE_BYTES):
        piece = deflater.compress(raw[start : start + _ENCODE_PIECE_BYTES])
        pieces.append(piece)
        size += len(piece)
        if size > budget:
            raise _too_big(scenario, len(raw), None)
    pieces.append(deflater.flush())
    payload = base64.urlsafe_b64encode(b"".join(pieces)).rstrip(b"=").decode("ascii")
    token = f"{CODEC_VERSION}.{_payload_checksum(payload)}.{payload}"
    if len(token) > MAX_TOKEN_CHARS:
        raise _too_big(scenario, len(raw), len(token))
    return token


def _too_big(scenario: Scenario, json_bytes: int, token_chars: int | None) -> ShareError:
    people = f", an org of {sum(p.count for p in scenario.positions):,} people" if scenario.positions else ""
    link = (
        f"a link of {token_chars:,} characters; links are limited to {MAX_TOKEN_CHARS:,}"
        if token_chars is not None
        else f"a link longer than the {MAX_TOKEN_CHARS:,} characters allowed"
    )
    return ShareError(
        f"this scenario ({len(scenario.regions)} regions, {len(scenario.roles)} roles{people}; "
        f"{json_bytes / 1000:,.0f} KB as JSON) makes {link}. Save the scenario to the database and share "
        "that instead"
    )


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------
def _payload_checksum(payload: str) -> str:
    """Codec 2: the checksum covers every character of the payload."""
    return hashlib.sha256(payload.encode("ascii")).hexdigest()[:CHECKSUM_CHARS]


def _damaged(why: str) -> ShareError:
    return ShareError(_DAMAGED.format(why))


def _unpack(token: Any) -> bytes:
    """Checks of the token itself, then base64, inflate and checksum: the JSON bytes."""
    if not isinstance(token, str):
        raise ShareError(f"a link parameter must be text, got {type(token).__name__}")
    if len(token) > MAX_TOKEN_CHARS:
        raise ShareError(f"link parameter is {len(token):,} characters; the limit is {MAX_TOKEN_CHARS:,}")
    if not token:
        raise ShareError("the link parameter is empty: no scenario in this link")
    if not token.isascii():
        raise _damaged("it holds characters a link never contains")
    version, _, rest = token.partition(".")
    if not _DIGITS.fullmatch(version):
        raise _damaged("no codec version")
    if int(version) > CODEC_VERSION:
        raise ShareError(
            f"this link was made by a newer version of the app (link format {int(version)}; this "
            f"version reads format {CODEC_VERSION}); open it with the newer version"
        )
    if version not in {str(v) for v in READABLE_CODECS}:
        raise _damaged(f"unknown link format {version!r}")
    checksum, _, payload = rest.partition(".")
    if not _CHECKSUM.fullmatch(checksum):
        raise _damaged("bad checksum field")
    if not _PAYLOAD_CHARS.fullmatch(payload) or len(payload) % 4 == 1:
        raise _damaged("bad encoding")
    if version != "1" and _payload_checksum(payload) != checksum:
        raise _damaged("checksum mismatch")
    try:
        compressed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (binascii.Error, ValueError):
        raise _damaged("bad encoding") from None
    # Only the canonical spelling: otherwise a changed last character could decode to the same bytes.
    if base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii") != payload:
        raise _damaged("bad encoding")
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, MAX_JSON_BYTES)
    except zlib.error:
        raise _damaged("the data does not decompress") from None
    if inflater.unconsumed_tail:
        raise ShareError(f"the link expands to more than {MAX_JSON_BYTES:,} bytes; it is not a scenario link")
    if not inflater.eof:
        raise _damaged("the data ends early")
    if inflater.unused_data:
        raise _damaged("extra data after the end")
    if version == "1" and hashlib.sha256(raw).hexdigest()[:CHECKSUM_CHARS] != checksum:
        raise _damaged("checksum mismatch")
    return raw


def _expand(data: Any, codec: int = CODEC_VERSION) -> tuple[dict[str, Any], str | None]:
    """Fill the left-out defaults back in: the :meth:`Scenario.to_dict` document.

    Also returns why the ``ref`` fingerprint does not match (None when it does);
    the caller reports it once the document is known to be a valid scenario.
    """
    if not isinstance(data, dict):
        raise ScenarioError(f"a scenario must be a JSON object, got {type(data).__name__}")
    out = {k: v for k, v in data.items() if k != "ref"}
    out["schema"] = SCHEMA_NAME
    unknown_fields = _NEW_ROLE_FIELDS.get(codec, frozenset())
    catalog = {
        rid: {k: v for k, v in spec.to_dict().items() if k not in unknown_fields}
        for rid, spec in load_catalog().items()
    }
    defaults = {**_reference_assumptions(), **_OLD_DEFAULTS.get(codec, {})}
    plan_defaults = _PLAN_DEFAULTS_3 if codec >= 3 else _PLAN_DEFAULTS
    reference: dict[str, Any] = {"roles": {}, "assumptions": {}}
    regions = data.get("regions")
    if isinstance(regions, list):
        out["regions"] = [{**_REGION_DEFAULTS, **r} if isinstance(r, dict) else r for r in regions]
    roles = data.get("roles")
    if isinstance(roles, list):
        expanded = []
        for i, item in enumerate(roles):
            if not isinstance(item, dict):
                expanded.append(item)
                continue
            plan = {**plan_defaults, **item}
            spec = plan.get("role")
            if isinstance(spec, str):
                if spec not in catalog:
                    raise ScenarioError(f"roles[{i}]: role {spec!r} is not in this version's role catalog")
                plan["role"] = catalog[spec]
                reference["roles"][spec] = catalog[spec]
            expanded.append(plan)
        out["roles"] = expanded
    assumptions = data.get("assumptions", {})
    if isinstance(assumptions, dict):
        known = ASSUMPTIONS_BY_CODEC[codec]
        reference["assumptions"] = {k: v for k, v in defaults.items() if k not in assumptions and k in known}
        out["assumptions"] = {**defaults, **assumptions}
    positions = data.get("positions")
    if isinstance(positions, list):
        out["positions"] = [{**_POSITION_DEFAULTS, **p} if isinstance(p, dict) else p for p in positions]
    for name in ("charter", "objectives", "actuals", "initiatives"):
        if name in data:
            out[name] = data[name]
    ref = data.get("ref")
    problem = None
    if reference["roles"] or reference["assumptions"]:
        if ref != _fingerprint(reference):
            problem = (
                "this link relies on the role catalog or default assumptions as they were when it was "
                "made, and they have changed since, so it would open with different figures; ask for "
                "the scenario file"
            )
    elif ref is not None:
        problem = "the link holds an invalid scenario: field 'ref' is set but nothing in it refers to the catalog"
    return out, problem


def decode(token: str) -> Scenario:
    """Open a token made by :func:`encode`, treating it as untrusted input.

    Parameters
    ----------
    token : str
        The link parameter, at most :data:`MAX_TOKEN_CHARS` characters.

    Returns
    -------
    Scenario
        Equal to the scenario that was encoded.

    Raises
    ------
    ShareError
        The only exception it raises, saying which check failed: not text, too
        long, empty, made by a newer version, damaged or truncated (bad base64,
        bad deflate data, checksum mismatch), expanding past
        :data:`MAX_JSON_BYTES`, not JSON, made against a role catalog or default
        assumptions that have changed since, or an invalid scenario (the
        :class:`~salesops.model.scenario.ScenarioError` message is passed on).

    Examples
    --------
    >>> decode("9.abcdef12.xyz")
    Traceback (most recent call last):
    ...
    salesops.readwrite.share.ShareError: this link was made by a newer version of the app (link format 9;
    this version reads format 3); open it with the newer version
    """
    raw = _unpack(token)
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ShareError(f"the link does not hold valid JSON ({type(exc).__name__})") from None
    try:
        document, problem = _expand(data, int(token.partition(".")[0]))
        scenario = Scenario.from_dict(document)
    except ScenarioError as exc:
        raise ShareError(f"the link holds an invalid scenario: {exc}") from None
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError, RecursionError) as exc:
        # Defence in depth: a crafted link with a valid checksum must still fail cleanly.
        raise ShareError(f"the link holds an invalid scenario: {type(exc).__name__}: {exc}") from None
    if problem is not None:
        raise ShareError(problem)
    return scenario


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a link")
