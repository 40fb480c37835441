"""dashboard.charts on small DataFrames: the right traces, stacking, matrix and colours."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts


def _points(fig: go.Figure) -> int:
    """How many values the figure's traces draw (bars, markers, cells, countries)."""
    total = 0
    for trace in fig.data:
        for attr in ("y", "z", "locations"):
            values = getattr(trace, attr, None)
            if values is not None:
                total += len(values)
                break
    return total


@pytest.fixture
def counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2024-03-04", "2024-03-04", "2024-03-11"]),
            "type": ["parade", "launch", "launch"],
            "count": [1, 2, 3],
        }
    )


def test_event_counts_chart_stacks_one_trace_per_type(counts: pd.DataFrame) -> None:
    fig = charts.event_counts_chart(counts, "week", {"launch": "#EF553B", "protest": "#123456"})
    assert fig.layout.barmode == "stack"
    by_name = {trace.name: trace for trace in fig.data}
    assert set(by_name) == {"parade", "launch"}
    assert list(by_name["launch"].y) == [2, 3]
    # The catalogue's colour for a known type; the neutral grey for a type it does not list.
    assert by_name["launch"].marker.color == "#EF553B"
    assert by_name["parade"].marker.color == charts.NEUTRAL_COLOR
    assert "week" in fig.layout.title.text


def test_top_actors_chart_puts_the_largest_on_top() -> None:
    frame = pd.DataFrame(
        {"name": ["Russia", "NATO", "Kim"], "country": ["RUS", None, "PRK"], "events": [5, 9, 1]}
    )
    (bar,) = charts.top_actors_chart(frame).data
    assert bar.orientation == "h"
    # plotly draws the first category at the bottom, so the largest comes last
    assert list(bar.y) == ["Kim (PRK)", "Russia (RUS)", "NATO"]
    assert list(bar.x) == [1, 5, 9]


def test_actors_over_time_chart_draws_a_line_per_actor(counts: pd.DataFrame) -> None:
    frame = counts.rename(columns={"type": "name"})
    fig = charts.actors_over_time_chart(frame, "day")
    assert sorted(t.name for t in fig.data) == ["launch", "parade"]
    assert all(t.mode == "lines+markers" for t in fig.data)


def test_missing_buckets_are_filled_with_zeros() -> None:
    frame = pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2024-03-04", "2024-03-18", "2024-03-11"]),
            "name": ["Russia", "Russia", "NATO"],
            "count": [2, 1, 5],
        }
    )
    filled = charts.fill_missing_buckets(frame, by="name", bucket="week")
    russia = filled[filled["name"] == "Russia"].sort_values("bucket_start")
    assert list(russia["count"]) == [2, 0, 1]
    assert len(filled) == 6  # 3 weeks x 2 actors
    (line,) = [t for t in charts.actors_over_time_chart(frame, "week").data if t.name == "NATO"]
    assert list(line.y) == [0, 5, 0]


def test_interaction_matrix_pivots_pairs_busiest_first() -> None:
    pairs = pd.DataFrame(
        {
            "source": ["USA", "USA", "PRK"],
            "target": ["RUS", "CHN", "USA"],
            "events": [4, 1, 2],
        }
    )
    matrix = charts.interaction_matrix(pairs)
    assert list(matrix.index) == ["USA", "PRK"]
    assert list(matrix.columns) == ["RUS", "USA", "CHN"]
    assert matrix.loc["USA", "RUS"] == 4 and matrix.loc["PRK", "RUS"] == 0
    (heat,) = charts.interaction_heatmap(pairs).data
    assert isinstance(heat, go.Heatmap)
    assert heat.z.tolist() == [[4, 0, 1], [0, 2, 0]]


def test_interaction_matrix_of_nothing_is_empty() -> None:
    empty = pd.DataFrame(columns=["source", "target", "events"])
    assert charts.interaction_matrix(empty).empty
    assert _points(charts.interaction_heatmap(empty)) == 0


def test_choropleth_uses_iso3_codes() -> None:
    frame = pd.DataFrame({"country": ["RUS", "UKR"], "events": [3, 1]})
    (trace,) = charts.choropleth_chart(frame).data
    assert trace.locationmode == "ISO-3"
    assert list(trace.locations) == ["RUS", "UKR"] and list(trace.z) == [3, 1]


def test_status_and_throughput_charts_use_status_colours() -> None:
    status = pd.DataFrame({"status": ["queued", "done", "failed"], "articles": [1, 5, 2]})
    fig = charts.status_chart(status)
    assert {t.name: t.marker.color for t in fig.data}["failed"] == charts.STATUS_COLORS["failed"]
    throughput = pd.DataFrame(
        {
            "bucket_start": pd.to_datetime(["2024-03-04", "2024-03-04"]),
            "status": ["done", "failed"],
            "count": [5, 1],
        }
    )
    fig = charts.throughput_chart(throughput, "day")
    assert fig.layout.barmode == "stack" and len(fig.data) == 2


@pytest.mark.parametrize(
    ("builder", "columns"),
    [
        (charts.event_counts_chart, ["bucket_start", "type", "count"]),
        (charts.top_actors_chart, ["name", "country", "events"]),
        (charts.actors_over_time_chart, ["bucket_start", "name", "count"]),
        (charts.choropleth_chart, ["country", "events"]),
        (charts.status_chart, ["status", "articles"]),
        (charts.throughput_chart, ["bucket_start", "status", "count"]),
    ],
)
def test_empty_frames_give_figures_with_nothing_drawn(builder, columns: list[str]) -> None:  # type: ignore[no-untyped-def]
    # A page with no matching events still draws (a titled, serialisable figure) and shows
    # no invented bars, points or countries.
    fig = builder(pd.DataFrame(columns=columns))
    assert _points(fig) == 0
    assert fig.layout.title.text
    assert json.loads(fig.to_json())["layout"]


def test_points_counts_what_a_figure_draws() -> None:
    # The helper above is only a check if it sees data when there is some.
    frame = pd.DataFrame({"country": ["PRK", "RUS"], "events": [3, 1]})
    assert _points(charts.choropleth_chart(frame)) == 2
