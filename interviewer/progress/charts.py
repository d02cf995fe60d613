"""The geometry of a small line chart of 1-to-4 scores, for a template to draw as SVG.

The server computes every coordinate, so the page needs no script and no inline style (the
strict CSP stays), and the same numbers feed the chart's text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.progress.trends import Series

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 12, 12, 24  # room for the 1-4 labels on the left
LOW, HIGH = 1.0, 4.0


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    score: float
    when: str  # ISO 8601, for the chart's table and tooltip
    interview_id: str


@dataclass(frozen=True)
class Chart:
    key: str
    name: str
    points: tuple[ChartPoint, ...]
    grid: tuple[tuple[int, float], ...]  # (score level, y) for each horizontal line
    dates: tuple[tuple[float, str, str], ...] = ()  # (x, text-anchor, date) under the axis
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT

    @property
    def line(self) -> str:
        """The SVG polyline's points attribute."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def y_for(score: float) -> float:
    """A score's height: 4 at the top, 1 at the bottom of the plot area."""
    clamped = min(HIGH, max(LOW, score))
    span = HEIGHT - TOP - BOTTOM
    return round(TOP + (HIGH - clamped) / (HIGH - LOW) * span, 1)


def x_for(index: int, count: int) -> float:
    """Points spread evenly left to right in time order; a single point sits mid-chart."""
    span = WIDTH - LEFT - RIGHT
    if count <= 1:
        return round(LEFT + span / 2, 1)
    return round(LEFT + index * span / (count - 1), 1)


def line_chart(series: Series) -> Chart:
    n = len(series.points)
    points = tuple(ChartPoint(x_for(i, n), y_for(p.score), p.score, p.at.isoformat(),
                              p.interview_id) for i, p in enumerate(series.points))
    grid = tuple((level, y_for(level)) for level in range(int(HIGH), int(LOW) - 1, -1))
    return Chart(series.key, series.name, points, grid, date_labels(points))


def date_labels(points: tuple[ChartPoint, ...]) -> tuple[tuple[float, str, str], ...]:
    """The first and the latest point's dates, at the two ends of the time axis."""
    if not points:
        return ()
    first, last = points[0].when[:10], points[-1].when[:10]
    if len(points) == 1 or first == last:
        return ((points[0].x if len(points) == 1 else (LEFT + WIDTH - RIGHT) / 2, "middle",
                 first),)
    return ((LEFT, "start", first), (WIDTH - RIGHT, "end", last))
