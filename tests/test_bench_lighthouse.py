"""bench/lighthouse.py and its table rows without Lighthouse: the median of repeated runs."""

from __future__ import annotations

from dataclasses import asdict

from bench import lighthouse, report


def _run(performance, tbt, lcp, accessibility=100.0, error=""):
    return lighthouse.LighthouseResult(
        "/",
        "mobile",
        performance,
        accessibility if performance is not None else None,
        metrics={}
        if performance is None
        else {
            "total-blocking-time": tbt,
            "largest-contentful-paint": lcp,
        },
        opportunities=[{"id": f"op-{performance}"}],
        error=error,
    )


def test_median_of_runs_takes_each_metric_median_and_keeps_the_spread():
    runs = [
        _run(90, 240, 2100),
        _run(96, 90, 1500),
        _run(94, 180, 2600),
        _run(None, 0, 0, error="x"),
    ]
    result = lighthouse.median(runs)
    assert result.performance == 94
    assert result.metrics == {"largest-contentful-paint": 2100, "total-blocking-time": 180}
    assert result.opportunities == [{"id": "op-94"}]  # the run nearest the median score
    assert [run["total-blocking-time"] for run in result.runs] == [240, 90, 180, None]
    assert result.runs[-1]["error"] == "x"
    row = report._lighthouse_rows(
        {"lighthouse": {"results": [{"server": "floor", **asdict(result)}]}}, report.BUDGETS
    )[0]
    assert "median of 3, TBT 90-240" in row.value


def test_the_lowest_accessibility_counts_and_all_failed_keeps_the_error():
    assert (
        lighthouse.median([_run(95, 100, 1000, 100.0), _run(95, 100, 1000, 96.0)]).accessibility
        == 96.0
    )
    failed = lighthouse.median([_run(None, 0, 0, error="a"), _run(None, 0, 0, error="b")])
    assert failed.performance is None and failed.error == "b"
