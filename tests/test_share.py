"""Share links: round trips, size, and every way a link can be damaged or forged."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import string
import zlib
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesops.readwrite import share
from salesops.readwrite.hris import build_import, example_csv, guess_mapping, read_table
from salesops.model.roles import load_catalog
from salesops.model.samples import load_sample
from salesops.model.scenario import PLACEMENTS, RolePlan, Scenario
from salesops.readwrite.share import MAX_JSON_BYTES, MAX_TOKEN_CHARS, ShareError, decode, encode
from tests.conftest import SAMPLE_NAMES
from tests.test_properties import scenarios

URL_SAFE = set(string.ascii_letters + string.digits + "-_.")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _imported(rows: int) -> Scenario:
    raw = read_table(example_csv(rows).encode("utf-8"), "org.csv")
    return build_import(raw, guess_mapping(raw.frame.columns)).scenario


def _forge(content: bytes | str | object) -> str:
    """A token with a correct checksum around any content (as a crafted link would be)."""
    if isinstance(content, str):
        raw = content.encode("utf-8")
    elif isinstance(content, bytes):
        raw = content
    else:
        raw = json.dumps(content, separators=(",", ":")).encode("utf-8")
    payload = base64.urlsafe_b64encode(zlib.compress(raw, 9)).rstrip(b"=").decode("ascii")
    return f"1.{hashlib.sha256(raw).hexdigest()[:8]}.{payload}"


def _inside(token: str) -> dict:
    payload = token.split(".", 2)[2]
    return json.loads(zlib.decompress(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _refused(token, *needles: str) -> str:
    with pytest.raises(ShareError) as info:
        decode(token)
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


# --------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------
@pytest.mark.parametrize("placement", PLACEMENTS)
def test_every_sample_at_every_placement_round_trips(sample, placement):
    for scenario in (sample, sample.with_placement("all", placement)):
        token = encode(scenario)
        assert set(token) <= URL_SAFE
        again = decode(token)
        assert again == scenario
        assert again.to_json() == scenario.to_json()


def test_token_sizes_are_small():
    sizes = {name: len(encode(load_sample(name))) for name in SAMPLE_NAMES}
    print(f"share token sizes: {sizes}")
    assert sizes["midmarket"] < 600, sizes
    assert all(n < 1_000 for n in sizes.values()), sizes


def test_non_default_fields_round_trip():
    """Manual FTE, a customised role, a new role, odd assumptions, unicode and formula-like text."""
    base = load_sample("enterprise")
    catalog = load_catalog()
    custom = replace(catalog["deal_desk"], cost_usd_per_year=123_456.5, functions=("deal desk", "pricing"))
    invented = replace(catalog["crm_admin"], id="revops_ai", name="RevOps AI — «pilot»")
    scenario = (
        base.with_plan(
            RolePlan(
                role=custom,
                placement="hybrid",
                sizing="manual",
                central_fte=2.5,
                local_fte=(("emea", 1.25), (base.regions[-1].id, 0.0)),
            )
        )
        .with_plan(RolePlan(role=invented, placement="localized"))
        .with_assumptions(horizon_months=60, gross_margin=0.6, company_revenue_usd=5e8)
        .with_region(replace(base.regions[1], name="=cmd|' /C calc'!A0 日本", tz_offset_hours=-0.0))
        .renamed('Über-plan <b>&</b> "quotes"')
    )
    scenario = replace(scenario, description="")
    token = encode(scenario)
    assert decode(token) == scenario
    inside = _inside(token)
    assert inside["assumptions"] == {"horizon_months": 60, "gross_margin": 0.6, "company_revenue_usd": 5e8}
    ids = [r["role"] if isinstance(r["role"], str) else r["role"]["id"] for r in inside["roles"]]
    assert ids == [p.role.id for p in scenario.roles]
    specs = dict(zip(ids, (r["role"] for r in inside["roles"])))
    assert isinstance(specs["deal_desk"], dict) and isinstance(specs["revops_ai"], dict)  # full specs
    assert specs["crm_admin"] == "crm_admin"  # unchanged catalog role: its id
    assert "description" not in inside


def test_a_catalog_role_with_float_numbers_round_trips_exactly():
    """150000.0 equals the catalog's 150000 but is not the same JSON: it travels in full."""
    base = load_sample("midmarket")
    plan = base.roles[0]
    floaty = replace(plan, role=replace(plan.role, cost_usd_per_year=float(plan.role.cost_usd_per_year)))
    scenario = base.with_plan(floaty)
    token = encode(scenario)
    again = decode(token)
    assert again == scenario and again.to_json() == scenario.to_json()
    assert isinstance(_inside(token)["roles"][0]["role"], dict)


def test_leaves_defaults_out():
    inside = _inside(encode(load_sample("startup")))
    assert "schema" not in inside and "assumptions" not in inside
    assert all(isinstance(r["role"], str) for r in inside["roles"])
    assert all("placement" not in r and "local_fte" not in r for r in inside["roles"])
    assert len(inside["ref"]) == 8


def test_imported_org_with_positions_round_trips():
    scenario = _imported(60)
    assert scenario.positions
    token = encode(scenario)
    assert decode(token) == scenario
    assert len(token) < MAX_TOKEN_CHARS


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_generated_scenarios_round_trip(scenario):
    assert decode(encode(scenario)) == scenario


# --------------------------------------------------------------------------
# Too big to share
# --------------------------------------------------------------------------
def test_a_big_imported_org_is_refused_with_its_size():
    scenario = _imported(3_000)
    with pytest.raises(ShareError) as info:
        encode(scenario)
    message = str(info.value)
    assert "characters" in message and f"{MAX_TOKEN_CHARS:,}" in message and "database" in message
    assert re.search(
        r"an org of [\d,]+ people; [\d,]+ KB as JSON\) makes a link longer than the 6,000 "
        r"characters allowed",
        message,
    ), message


def test_a_link_just_over_the_limit_gives_its_exact_size():
    for rows in range(200, 320, 10):
        scenario = _imported(rows)
        try:
            encode(scenario)
        except ShareError as exc:
            assert re.search(r"makes a link of 6,[0-9]{3} characters; links are limited to 6,000\. Save", str(exc)), exc
            return
    pytest.fail("no org size between 200 and 320 rows just crossed the limit")


def test_encode_wants_a_scenario():
    with pytest.raises(ShareError, match="only a Scenario"):
        encode({"name": "x"})  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Damaged, foreign and hostile links
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def token() -> str:
    return encode(load_sample("midmarket"))


def test_the_checksum_covers_every_payload_character(token):
    """Since codec 2 the checksum is over the payload text itself."""
    version, checksum, payload = token.split(".", 2)
    assert version == "3" and checksum == hashlib.sha256(payload.encode("ascii")).hexdigest()[:8]


def test_every_truncation_is_refused(token):
    for n in range(len(token)):
        _refused(token[:n])


def test_every_single_character_change_is_refused(token):
    alphabet = string.ascii_letters + string.digits + "-_."
    for i, ch in enumerate(token):
        for other in {alphabet[(alphabet.index(ch) + k) % len(alphabet)] for k in (1, 7, 31)}:
            _refused(token[:i] + other + token[i + 1 :])


def test_extra_or_swapped_characters_are_refused(token):
    _refused(token + "A", "damaged")
    _refused(token + "=", "damaged")
    payload_start = token.rindex(".") + 1
    swapped = (
        token[: payload_start + 10]
        + token[payload_start + 11]
        + token[payload_start + 10]
        + token[payload_start + 12 :]
    )
    if swapped != token:
        _refused(swapped, "damaged")


def test_checksum_catches_a_valid_but_different_payload(token):
    other = encode(load_sample("startup"))
    _refused(token.split(".")[0] + "." + token.split(".")[1] + "." + other.split(".")[2], "checksum mismatch")


def test_oversize_is_refused_before_anything_else():
    _refused(
        "1." + "A" * MAX_TOKEN_CHARS,
        f"link parameter is {MAX_TOKEN_CHARS + 2:,} characters",
        f"the limit is {MAX_TOKEN_CHARS:,}",
    )
    _refused("\u00e9" * (MAX_TOKEN_CHARS + 1), "characters; the limit is")


@pytest.mark.parametrize(
    "bad, needle",
    [
        ("", "empty"),
        ("9.abcdef12.eNqrVkrLz1eyUkpKLFKqBQA", "newer version"),
        ("9.", "newer version"),
        ("12.x", "newer version"),
        ("0.abcdef12.eNqr", "unknown link format"),
        ("x.abcdef12.eNqr", "no codec version"),
        ("1", "damaged"),
        ("1.", "damaged"),
        ("1.ABCDEF12.eNqr", "bad checksum field"),
        ("1.abcdef12.", "bad encoding"),
        ("1.abcdef12.eNq+", "bad encoding"),
        ("1.abcdef12.eNqr/a==", "bad encoding"),
        ("1.abcdef12.e", "bad encoding"),
        ("1.abcdef12.eNqrVkrLz1eyUkpKLFKqBQA.x", "bad encoding"),
        ("1.abcdef12.AAAA", "does not decompress"),
        ("1.abcd\u00e9f12.eNqr", "characters a link never contains"),
        ("1.abcdef12.eNqr\u200b", "characters a link never contains"),
        (" 1.abcdef12.eNqr", "no codec version"),
    ],
)
def test_malformed_links_are_refused_with_the_reason(bad, needle):
    _refused(bad, needle)


@pytest.mark.parametrize("value", [None, 1, b"1.abc", ["1."], {"t": 1}])
def test_a_link_parameter_must_be_text(value):
    _refused(value, "must be text")


def test_zlib_stream_problems():
    raw = b'{"a":1}'
    checksum = hashlib.sha256(raw).hexdigest()[:8]
    full = zlib.compress(raw, 9)

    def tok(data: bytes) -> str:
        return f"1.{checksum}." + base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    _refused(tok(full[:-3]), "ends early")
    _refused(tok(full + b"junk"), "extra data after the end")
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    _refused(tok(raw_deflate.compress(raw) + raw_deflate.flush()), "does not decompress")


def test_decompression_bomb_is_refused():
    bomb = b" " * (MAX_JSON_BYTES + 1_000_000)
    token = _forge(bomb)
    assert len(token) < MAX_TOKEN_CHARS
    _refused(token, "expands to more than")
    _refused(_forge(b" " * MAX_JSON_BYTES + b"1"), "expands to more than")


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"\xff\xfe{", "valid JSON"),
        (b"{not json", "valid JSON"),
        (b'{"name": NaN}', "valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "valid JSON"),  # nested too deeply for the parser
        (b"1" * 5000, "valid JSON"),  # more digits than Python parses
        (b"12", "invalid scenario: a scenario must be a JSON object, got int"),
        ([1, 2], "invalid scenario: a scenario must be a JSON object, got list"),
        ("null", "invalid scenario"),
        ({"version": 2}, "invalid scenario: scenario: missing field(s) name, hq_region, regions, roles"),
        ({"version": 7, "name": "x"}, "unsupported scenario version 7"),
    ],
)
def test_forged_content_is_refused(content, needle):
    _refused(_forge(content), needle)


def _doc(name: str = "midmarket") -> dict:
    return _inside(encode(load_sample(name)))


def test_forged_scenarios_pass_on_the_scenario_error():
    doc = _doc()
    doc["regions"][1]["reps"] = -3
    _refused(_forge(doc), "the link holds an invalid scenario: regions[1]: region 'west': reps must be >= 0")
    doc = _doc()
    doc["roles"][0]["role"] = "no_such_role"
    _refused(_forge(doc), "invalid scenario", "'no_such_role' is not in this version's role catalog")
    doc = _doc()
    doc["roles"][0]["placement"] = "outsourced"
    _refused(_forge(doc), "invalid scenario", "placement must be one of")
    doc = _doc()
    doc["regions"] = "everywhere"
    _refused(_forge(doc), "invalid scenario", "regions must be a list")
    doc = _doc()
    doc["assumptions"] = {"gross_margin": "high"}
    _refused(_forge(doc), "invalid scenario", "gross_margin must be a number")
    doc = _doc()
    doc["positions"] = [{"id": "a", "name": "A", "kind": "boss"}]
    _refused(_forge(doc), "invalid scenario", "kind must be one of")


def test_ref_guards_against_a_changed_catalog(monkeypatch, token):
    doc = _doc()
    doc["ref"] = "00000000"
    _refused(_forge(doc), "changed since")
    doc = _doc()
    del doc["ref"]
    _refused(_forge(doc), "changed since")

    scenario = load_sample("midmarket")
    catalog = load_catalog()
    changed = dict(catalog, deal_desk=replace(catalog["deal_desk"], cost_usd_per_year=1.0))
    monkeypatch.setattr(share, "load_catalog", lambda: dict(changed))
    _refused(token, "role catalog or default assumptions", "changed since")
    # A link made now writes the (old) deal desk in full, so it opens exactly.
    assert decode(encode(scenario)) == scenario


def test_ref_without_references_is_refused():
    """A link that spells out every role and assumption needs no ref, and may not carry one."""
    scenario = load_sample("midmarket")
    full = scenario.to_dict()
    doc = _doc()
    doc["assumptions"] = full["assumptions"]
    doc["roles"] = [dict(r, role=f["role"]) for r, f in zip(doc["roles"], full["roles"])]
    del doc["ref"]
    assert decode(_forge(doc)) == scenario
    doc["ref"] = "abcdef12"
    _refused(_forge(doc), "'ref' is set but nothing in it")


# --------------------------------------------------------------------------
# Fuzz: decode raises ShareError and nothing else
# --------------------------------------------------------------------------
def _decode_or_share_error(value) -> None:
    try:
        result = decode(value)
    except ShareError:
        return
    assert isinstance(result, Scenario)


@FUZZ
@given(st.text(max_size=200))
def test_fuzz_any_text(text):
    _decode_or_share_error(text)


@FUZZ
@given(st.text(alphabet=string.ascii_letters + string.digits + "-_.", max_size=300))
def test_fuzz_url_safe_text_after_the_prefix(text):
    _decode_or_share_error("1." + text)
    _decode_or_share_error(text)


@FUZZ
@given(st.binary(max_size=400))
def test_fuzz_compressed_bytes(data):
    checksum = hashlib.sha256(data).hexdigest()[:8]
    _decode_or_share_error(f"1.{checksum}." + base64.urlsafe_b64encode(data).rstrip(b"=").decode())
    _decode_or_share_error(_forge(data))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
KEYS = ["version", "name", "hq_region", "regions", "roles", "assumptions", "positions", "description", "ref"]


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), JSON, max_size=9), st.data())
def test_fuzz_forged_documents(doc, data):
    _decode_or_share_error(_forge(doc))
    # The same, grafted onto a real document: deeper into the scenario checks.
    real = _doc("enterprise")
    key = data.draw(st.sampled_from(KEYS))
    real[key] = doc.get(key, None)
    _decode_or_share_error(_forge(real))


@FUZZ
@given(st.data())
def test_fuzz_mutated_real_documents(data):
    real = _doc("enterprise")
    section = data.draw(st.sampled_from(["regions", "roles", "positions"]))
    items = real.get(section) or [{"id": "p", "name": "P", "kind": "leader"}]
    item = dict(data.draw(st.sampled_from(items)))
    field = data.draw(st.sampled_from(sorted(item) + ["extra"]))
    item[field] = data.draw(JSON)
    real[section] = [item] + list(items)[1:]
    _decode_or_share_error(_forge(real))


@FUZZ
@given(st.binary(max_size=300), st.integers(0, 10_000))
def test_fuzz_spliced_json(junk, at):
    text = json.dumps(_doc("startup"), separators=(",", ":")).encode()
    at %= len(text) + 1
    _decode_or_share_error(_forge(text[:at] + junk + text[at:]))


def test_links_made_before_codec_3_open_with_the_figures_they_were_made_with():
    """Links of the previous app (codec 2, model version 3) keep their meaning: same model, same figures.

    Codec 3 changed a default (the productivity elasticity) and added role and assumption fields;
    an old link left the elasticity out at the value it knew, and its catalog roles had no control.
    """
    import json
    from pathlib import Path

    from salesops.model import evaluate

    links = json.loads((Path(__file__).parent / "fixtures" / "links_codec2.json").read_text())["links"]
    assert len(links) == 6
    for name, link in links.items():
        assert link["token"].startswith("2."), name
        scenario = decode(link["token"])
        assert scenario.model_version == 3, name
        res = evaluate(scenario)
        assert res.roi == pytest.approx(link["roi"], rel=1e-12), name
        assert res.payback_months == pytest.approx(link["payback_months"], rel=1e-12), name
        assert res.sales_ops_fte == pytest.approx(link["sales_ops_fte"], rel=1e-12), name
