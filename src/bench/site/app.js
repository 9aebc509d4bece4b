// The dashboard: reads data/index.json, draws one uPlot chart per benchmark as it scrolls into
// view, and compares two runs. Only this site's own files are fetched.

const state = { index: null, charts: new Map(), observer: null };
const FIRST_SCREEN = 6;

const byId = (id) => document.getElementById(id);

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

async function fetchJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// Kept in step with formatValue in src/bench/report.ts.
function formatValue(value, unit) {
  if (value === null || value === undefined) return "";
  if (unit === "ns") {
    const scales = [
      [1e9, "s"],
      [1e6, "ms"],
      [1e3, "µs"],
      [1, "ns"],
    ];
    const [factor, name] = scales.find(([scale]) => Math.abs(value) >= scale) ?? [1, "ns"];
    return `${Number((value / factor).toPrecision(4))} ${name}`;
  }
  if (unit === "%") return `${Number(value.toPrecision(4))}%`;
  const rounded = Number.isInteger(value) ? value : Number(value.toPrecision(4));
  return `${rounded.toLocaleString("en-US")} ${unit}`;
}

// Axis ticks stay short: the unit is in the chart's heading.
const compact = new Intl.NumberFormat("en-US", {
  notation: "compact",
  maximumSignificantDigits: 4,
});

function formatTick(value, unit) {
  if (unit === "ns") return formatValue(value, unit);
  return compact.format(value);
}

function formatChange(base, head) {
  if (base === undefined || head === undefined) return "";
  if (base === 0) return head === 0 ? "0%" : "∞";
  const change = ((head - base) / base) * 100;
  return `${change > 0 ? "+" : ""}${Number(change.toPrecision(3))}%`;
}

// Kept in step with higherIsBetter in src/bench/results.ts.
function higherIsBetter(unit, metric) {
  return unit === "bytes/s" || unit === "elements/s" || /(^|\.)L1HitRate$/.test(metric ?? "");
}

function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\//.test(url) ? url : null;
}

function commitUrl(commit) {
  const repository = state.index.repository;
  return repository ? `https://github.com/${repository}/commit/${commit}` : null;
}

function pullUrl(number) {
  const repository = state.index.repository;
  return repository ? `https://github.com/${repository}/pull/${number}` : null;
}

function linkTo(text, url) {
  const target = safeUrl(url);
  if (!target) return document.createTextNode(text);
  return element("a", { href: target, target: "_blank", rel: "noopener" }, text);
}

function visibleBenchmarks() {
  const query = byId("search").value.trim().toLowerCase();
  const group = byId("group").value;
  const metric = byId("metric").value;
  return state.index.benchmarks.filter(
    (benchmark) =>
      (!query || benchmark.id.toLowerCase().includes(query)) &&
      (!group || benchmark.group === group) &&
      (!metric || benchmark.metric === metric),
  );
}

function renderCharts() {
  state.observer?.disconnect();
  for (const chart of state.charts.values()) chart.destroy();
  state.charts.clear();
  const container = byId("groups");
  container.replaceChildren();
  const benchmarks = visibleBenchmarks();
  byId("count").textContent = `${benchmarks.length} of ${state.index.benchmarks.length} benchmarks`;
  const groups = new Map();
  for (const benchmark of benchmarks) {
    if (!groups.has(benchmark.group)) groups.set(benchmark.group, []);
    groups.get(benchmark.group).push(benchmark);
  }
  state.observer = new IntersectionObserver(onVisible, { rootMargin: "200px" });
  for (const [group, members] of groups) {
    const grid = element("div", { class: "grid" });
    for (const benchmark of members) grid.append(chartCard(benchmark));
    const summary = element(
      "summary",
      {},
      `${group} `,
      element("span", { class: "muted" }, `(${members.length})`),
    );
    container.append(element("details", { class: "group", open: "" }, summary, grid));
  }
  // The first screenful is drawn at once rather than after the observer's first callback.
  for (const card of [...container.querySelectorAll(".chart")].slice(0, FIRST_SCREEN)) {
    state.observer.unobserve(card);
    drawChart(card).catch(reportError);
  }
}

function describeMetric(benchmark) {
  return benchmark.metric === benchmark.unit
    ? benchmark.metric
    : `${benchmark.metric} (${benchmark.unit})`;
}

function chartCard(benchmark) {
  const card = element(
    "div",
    {
      class: "chart",
      "data-id": benchmark.id,
      "data-metric": benchmark.metric,
      "data-series": benchmark.series,
    },
    element("h3", {}, benchmark.id),
    element(
      "div",
      { class: "meta" },
      `${describeMetric(benchmark)} · latest ${formatValue(benchmark.latest, benchmark.unit)}`,
    ),
    element("div", { class: "plot" }),
    element("div", { class: "hover muted" }, "Hover a point for its commit."),
  );
  state.observer.observe(card);
  return card;
}

function onVisible(entries) {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    state.observer.unobserve(entry.target);
    drawChart(entry.target).catch(reportError);
  }
}

async function drawChart(card) {
  const series = await fetchJson(`data/${card.dataset.series}`);
  const runs = state.index.runs;
  const x = series.points.map((point) => point[0]);
  const values = series.points.map((point) => point[1]);
  const lower = series.points.map((point) => point[2]);
  const upper = series.points.map((point) => point[3]);
  const plot = card.querySelector(".plot");
  const width = Math.max(300, plot.clientWidth || 400);
  const chart = new uPlot(
    {
      width,
      height: 180,
      legend: { show: false },
      scales: { x: { time: false } },
      axes: [
        { values: (_, ticks) => ticks.map((tick) => runs[tick]?.timestamp.slice(5, 10) ?? "") },
        { size: 64, values: (_, ticks) => ticks.map((tick) => formatTick(tick, series.unit)) },
      ],
      series: [
        {},
        { label: "low", stroke: "transparent", points: { show: false } },
        { label: "high", stroke: "transparent", points: { show: false } },
        {
          label: series.metric,
          stroke: "#2563eb",
          width: 2,
          points: { show: series.points.length < 60 },
        },
      ],
      bands: [{ series: [2, 1], fill: "rgba(37, 99, 235, 0.12)" }],
      hooks: { setCursor: [(u) => showPoint(card, series, u.cursor.idx)] },
    },
    [x, lower, upper, values],
    plot,
  );
  state.charts.set(card, chart);
  card.dataset.points = String(series.points.length);
  card.classList.add("drawn");
  if (!window.firstChartAt) {
    window.firstChartAt = performance.now();
    document.body.dataset.firstChart = "yes";
  }
}

function showPoint(card, series, index) {
  if (index === null || index === undefined) return;
  const point = series.points[index];
  const run = state.index.runs[point[0]];
  if (!run) return;
  const hover = card.querySelector(".hover");
  const parts = [
    linkTo(run.commit.slice(0, 10), commitUrl(run.commit)),
    document.createTextNode(
      ` · ${run.timestamp.slice(0, 16).replace("T", " ")} · ${formatValue(point[1], series.unit)}`,
    ),
  ];
  const pull = run.pullRequest ?? run.mergedPullRequest;
  if (pull !== null && pull !== undefined) {
    parts.push(document.createTextNode(" · "), linkTo(`PR #${pull}`, pullUrl(pull)));
  }
  if (run.url) parts.push(document.createTextNode(" · "), linkTo("workflow run", run.url));
  hover.replaceChildren(...parts);
  hover.dataset.commit = run.commit;
}

function runLabel(run) {
  return `${run.timestamp.slice(0, 10)} ${run.commit.slice(0, 10)}`;
}

function fillCompareControls() {
  const runs = state.index.runs;
  for (const id of ["compare-base", "compare-head"]) {
    const select = byId(id);
    select.replaceChildren(
      ...runs.map((run, index) => element("option", { value: index }, runLabel(run))).reverse(),
    );
  }
  byId("compare-base").value = String(Math.max(0, runs.length - 2));
  byId("compare-head").value = String(Math.max(0, runs.length - 1));
  const pulls = byId("compare-pull");
  for (const pull of state.index.pulls) {
    pulls.append(
      element("option", { value: pull.number }, `PR #${pull.number} (${pull.commit.slice(0, 10)})`),
    );
  }
}

async function renderCompare() {
  const pullNumber = byId("compare-pull").value;
  let baseFile;
  let headFile;
  let note;
  if (pullNumber) {
    const pull = state.index.pulls.find((candidate) => String(candidate.number) === pullNumber);
    baseFile = pull.baseFile;
    headFile = pull.file;
    note = pull.baseFile
      ? `PR #${pull.number} at ${pull.commit.slice(0, 10)} against its base ${pull.baseCommit.slice(0, 10)}`
      : `PR #${pull.number} has no stored base run`;
  } else {
    const runs = state.index.runs;
    const base = runs[Number(byId("compare-base").value)];
    const head = runs[Number(byId("compare-head").value)];
    if (!base || !head) return;
    baseFile = base.file;
    headFile = head.file;
    note = `${runLabel(base)} → ${runLabel(head)}`;
  }
  const [base, head] = await Promise.all([
    baseFile ? fetchJson(`data/${baseFile}`) : { results: [] },
    fetchJson(`data/${headFile}`),
  ]);
  byId("compare-note").textContent = note;
  byId("compare-table")
    .querySelector("tbody")
    .replaceChildren(...compareRows(base.results, head.results));
}

function compareRows(baseResults, headResults) {
  const key = (result) => `${result.id}\u0000${result.metric}`;
  const baseByKey = new Map(baseResults.map((result) => [key(result), result]));
  const headByKey = new Map(headResults.map((result) => [key(result), result]));
  const keys = [...new Set([...baseByKey.keys(), ...headByKey.keys()])].sort();
  return keys.map((name) => {
    const base = baseByKey.get(name);
    const head = headByKey.get(name);
    const either = head ?? base;
    const change = formatChange(base?.value, head?.value);
    const worse =
      base &&
      head &&
      (higherIsBetter(either.unit, either.metric)
        ? head.value < base.value
        : head.value > base.value);
    const tone = !change || change === "0%" ? "" : worse ? "worse" : "better";
    return element(
      "tr",
      { "data-id": either.id, "data-metric": either.metric },
      element("td", {}, element("code", {}, either.id)),
      element("td", {}, either.metric),
      element(
        "td",
        { class: "num", "data-value": base?.value },
        base ? formatValue(base.value, either.unit) : "—",
      ),
      element(
        "td",
        { class: "num", "data-value": head?.value },
        head ? formatValue(head.value, either.unit) : "—",
      ),
      element("td", { class: `num ${tone}` }, change || (base ? "removed" : "added")),
    );
  });
}

function route() {
  const compare = location.hash.startsWith("#compare");
  byId("charts-view").hidden = compare;
  byId("compare-view").hidden = !compare;
  byId("tab-charts").classList.toggle("active", !compare);
  byId("tab-compare").classList.toggle("active", compare);
  if (compare) {
    const pull = new URLSearchParams(location.hash.split("?")[1] ?? "").get("pr");
    if (pull) byId("compare-pull").value = pull;
    renderCompare().catch(reportError);
  }
}

function reportError(error) {
  const message = element("p", { class: "error" }, `Could not load: ${error.message}`);
  document.querySelector("main").prepend(message);
}

async function start() {
  state.index = await fetchJson("data/index.json");
  byId("repository").textContent =
    `${state.index.repository} · ${state.index.runs.length} runs · ${state.index.benchmarks.length} benchmarks`;
  const groups = [...new Set(state.index.benchmarks.map((benchmark) => benchmark.group))].sort();
  byId("group").append(...groups.map((group) => element("option", { value: group }, group)));
  const metrics = [...new Set(state.index.benchmarks.map((benchmark) => benchmark.metric))].sort();
  byId("metric").append(...metrics.map((metric) => element("option", { value: metric }, metric)));
  for (const id of ["search", "group", "metric"]) byId(id).addEventListener("input", renderCharts);
  for (const id of ["compare-base", "compare-head"]) {
    byId(id).addEventListener("change", () => {
      byId("compare-pull").value = "";
      renderCompare().catch(reportError);
    });
  }
  byId("compare-pull").addEventListener("change", () => renderCompare().catch(reportError));
  fillCompareControls();
  renderCharts();
  window.addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "yes";
}

start().catch(reportError);
