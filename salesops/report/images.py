"""The report charts rendered to PNG offline, and the PNG helpers (recompress, read the size)."""

from __future__ import annotations

import json
import zlib

import pandas as pd

from salesops.charts import chart_spec
from salesops.model import Results
from salesops.report.common import CHART_NAMES, CHART_SCALE, CHART_WIDTH_PX


def render_charts(results: Results, whatifs: pd.DataFrame) -> dict[str, bytes]:
    """Render the report charts to PNG, offline.

    Parameters
    ----------
    results : Results
    whatifs : pandas.DataFrame
        :func:`salesops.model.whatif.placement_whatifs` of the same scenario.

    Returns
    -------
    dict of str to bytes
        PNG data keyed by the names of :data:`CHART_NAMES`, at
        :data:`CHART_WIDTH_PX` wide and scale 2. A chart with nothing to show
        (no roles, so no costs or what-ifs) is left out.

    Notes
    -----
    ``vl_convert`` bundles Vega and Vega-Lite, and is given no allowed base URL,
    so rendering never reaches the network. About 0.1-0.4 s a chart.
    """
    import vl_convert  # imported here: a 60 MB library the app itself does not need

    out: dict[str, bytes] = {}
    for name in CHART_NAMES:
        if name == "whatif" and whatifs.empty:
            continue
        if name == "cost_by_role" and not results.teams:
            continue
        spec = dict(chart_spec(name, whatifs if name == "whatif" else results))
        spec["width"] = CHART_WIDTH_PX
        spec["background"] = "white"
        png = vl_convert.vegalite_to_png(json.dumps(spec), scale=CHART_SCALE, allowed_base_urls=[])
        out[name] = recompress_png(png)
    return out


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def recompress_png(png: bytes, level: int = 9) -> bytes:
    """The same PNG, pixel for pixel, with its image data deflated at ``level``.

    vl-convert writes its PNGs with fast, light compression; recompressing makes
    them about 3-4 times smaller, which is what keeps the HTML report (where they
    are base64 text) small. Ancillary chunks are kept as they are.

    Examples
    --------
    >>> import zlib
    >>> def chunk(kind, data):
    ...     return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    >>> header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])  # 1 x 1, 8-bit grey
    >>> png = (_PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\\0\\x80", 0))
    ...        + chunk(b"IEND", b""))
    >>> again = recompress_png(png)
    >>> _png_size(again), zlib.decompress(_chunks_of(again)[1][1])
    ((1, 1), b'\\x00\\x80')
    """
    chunks = _chunks_of(png)
    data = b"".join(body for kind, body in chunks if kind == b"IDAT")
    packed = zlib.compress(zlib.decompress(data), level)
    out = [_PNG_SIGNATURE]
    idat_written = False
    for kind, body in chunks:
        if kind == b"IDAT":
            if idat_written:
                continue
            kind, body, idat_written = b"IDAT", packed, True
        out.append(len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big"))
    return b"".join(out)


def _chunks_of(png: bytes) -> list[tuple[bytes, bytes]]:
    if png[:8] != _PNG_SIGNATURE:
        raise ValueError("not a PNG image")
    chunks, pos = [], 8
    while pos + 8 <= len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        kind = png[pos + 4 : pos + 8]
        chunks.append((kind, png[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG's IHDR chunk."""
    if png[:8] != _PNG_SIGNATURE:
        raise ValueError("not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
