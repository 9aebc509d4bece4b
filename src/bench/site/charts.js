// One uPlot chart per benchmark: the value line, its interval, the threshold band around the
// previous point, and markers where a change counts, all judged by BenchHelpers (the action's own
// code). Loaded before app.js; exposes window.BenchCharts.
(() => {
  const H = window.BenchHelpers;

  const cssColour = (name) =>
    getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";

  /** A stored point as a result the helpers can judge. */
  function resultOf(series, point) {
    return {
      id: series.id,
      metric: series.metric,
      unit: series.unit,
      value: point[1],
      lower: point[2],
      upper: point[3],
      source: "",
      ...(series.direction ? { direction: series.direction } : {}),
    };
  }

  /** Which series a run continues: its job and matrix leg (older runs: its machine). */
  function laneOf(run) {
    return H.laneOf({ job: run.job, matrixLeg: run.leg, machine: run.machine });
  }

  /**
   * Per point: the verdict against its lane's point of the commit before (a re-run of a commit
   * is judged against that commit's predecessor, as the action's alert judges it), and the band
   * inside which a change would not count (that value ± the threshold).
   */
  function judgePoints(series, points, runs, thresholds) {
    const relative = H.isExactUnit(series.unit)
      ? thresholds.countRelative
      : thresholds.timeRelative;
    const lanes = new Map();
    return points.map((point) => {
      const run = runs[point[0]];
      const lane = lanes.get(laneOf(run));
      const previous = lane?.commit === run.commit ? lane.previous : lane?.point;
      lanes.set(laneOf(run), { commit: run.commit, point, previous });
      if (!previous) return { verdict: null, low: null, high: null };
      const [comparison] = H.compareResults(
        [resultOf(series, previous)],
        [resultOf(series, point)],
        thresholds,
      );
      return {
        verdict: comparison.verdict,
        change: comparison.relativeChange,
        low: previous[1] * (1 - relative),
        high: previous[1] * (1 + relative),
      };
    });
  }

  /** Draws the chart into the card; returns the uPlot instance. */
  function draw(card, series, options) {
    const { runs, thresholds, machine, log, onHover } = options;
    const points = series.points.filter((point) => !machine || runs[point[0]]?.machine === machine);
    const judged = judgePoints(series, points, runs, thresholds);
    const mark = (verdict) =>
      points.map((point, index) => (judged[index].verdict === verdict ? point[1] : null));
    const x = points.map((_, index) => index);
    const plot = card.querySelector(".plot");
    plot.replaceChildren();
    const axis = {
      stroke: cssColour("--muted"),
      grid: { stroke: cssColour("--grid") },
      ticks: { stroke: cssColour("--grid") },
    };
    const positive = points.every((point) => point[1] > 0);
    const chart = new uPlot(
      {
        width: Math.max(200, plot.clientWidth || 360),
        height: 180,
        legend: { show: false },
        scales: { x: { time: false }, y: { distr: log && positive ? 3 : 1 } },
        axes: [
          {
            ...axis,
            values: (_, ticks) =>
              ticks.map((tick) => runs[points[tick]?.[0]]?.timestamp.slice(5, 10) ?? ""),
          },
          {
            ...axis,
            size: 70,
            values: (_, ticks) => ticks.map((tick) => formatTick(tick, series.unit)),
          },
        ],
        series: [
          {},
          { label: "low", stroke: "transparent", points: { show: false } },
          { label: "high", stroke: "transparent", points: { show: false } },
          { label: "band low", stroke: "transparent", points: { show: false } },
          { label: "band high", stroke: "transparent", points: { show: false } },
          {
            label: series.metric,
            stroke: cssColour("--line"),
            width: 2,
            points: { show: points.length < 60 },
          },
          markerSeries("regressed", cssColour("--worse")),
          markerSeries("improved", cssColour("--better")),
        ],
        bands: [
          { series: [2, 1], fill: cssColour("--band") },
          { series: [4, 3], fill: cssColour("--threshold") },
        ],
        hooks: { setCursor: [(u) => onHover(card, series, points, u.cursor.idx)] },
      },
      [
        x,
        points.map((point) => point[2]),
        points.map((point) => point[3]),
        judged.map((entry) => entry.low),
        judged.map((entry) => entry.high),
        points.map((point) => point[1]),
        mark("regressed"),
        mark("improved"),
      ],
      plot,
    );
    card.dataset.points = String(points.length);
    card.dataset.markers = String(
      judged.filter((entry) => entry.verdict === "regressed" || entry.verdict === "improved")
        .length,
    );
    card.dataset.scale = log && positive ? "log" : "linear";
    return chart;
  }

  function markerSeries(label, colour) {
    return {
      label,
      stroke: "transparent",
      paths: () => null,
      points: { show: true, size: 10, fill: colour, stroke: colour },
    };
  }

  // Axis ticks stay short: the unit is in the chart's heading.
  const compact = new Intl.NumberFormat("en-US", {
    notation: "compact",
    maximumSignificantDigits: 4,
  });

  function formatTick(value, unit) {
    if (unit === "ns") return H.formatValue(value, unit);
    return compact.format(value);
  }

  window.BenchCharts = { draw, laneOf };
})();
