"""Where a run's time goes (salesops.ui.timing) and the heap settled once per process (salesops.ui.boot)."""

from __future__ import annotations

import gc
import json

from salesops.ui import boot, timing


def test_timing_is_off_by_default_and_then_records_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(timing, "_FILE", None)
    timing.begin("Start")
    with timing.phase("page"):
        pass
    timing.end()
    assert not list(tmp_path.iterdir())


def test_each_run_writes_one_line_with_its_phases_callbacks_included(monkeypatch, tmp_path):
    out = tmp_path / "runs.jsonl"
    monkeypatch.setattr(timing, "_FILE", str(out))

    @timing.timed("callback:placement")
    def on_click(x):
        return x + 1

    for page in ("Productivity & ROI", "Org designer"):
        assert on_click(1) == 2  # a widget callback runs before the script, in the same thread
        timing.begin(page)
        timing.mark("started")
        with timing.phase("charts"):
            sum(range(10_000))
        with timing.phase("charts"):  # entered twice: summed
            pass
        timing.end()
    timing.end()  # no run in progress: nothing written
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["page"] for line in lines] == ["Productivity & ROI", "Org designer"]
    for line in lines:
        assert set(line["phases"]) == {"callback:placement", "@started", "charts"}
        assert 0 < line["phases"]["charts"] <= line["run_ms"]
        assert line["phases"]["@started"] <= line["run_ms"]


def test_the_heap_is_frozen_once_per_process():
    boot.settle_heap()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    [object() for _ in range(10)]
    boot.settle_heap()  # a later run does nothing
    assert gc.get_freeze_count() == frozen
