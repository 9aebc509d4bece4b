// The dashboard: reads data/index.json, says what changed, draws one chart per benchmark as it
// scrolls into view, and compares two runs or a pull request with its base. Verdicts come from
// BenchHelpers, built from the action's TypeScript, so the page and the PR comment agree. Only
// this site's own files are fetched. The view's state lives in the URL, so links can be shared.

const H = window.BenchHelpers;
const state = { index: null, charts: new Map(), observer: null, files: new Map(), view: {} };
const FIRST_SCREEN = 4;

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
  if (!state.files.has(path)) {
    state.files.set(
      path,
      fetch(path).then((response) => {
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
        return response.json();
      }),
    );
  }
  return state.files.get(path);
}

function safeUrl(url) {
  return typeof url === "string" && /^https?:\/\/[^\s]+$/.test(url) ? url : null;
}

/** Links go to the server the run was stored from (github.com or a GHES host). */
function repositoryUrl(run) {
  const repository = state.index.repository;
  return repository && run ? `${run.server ?? "https://github.com"}/${repository}` : null;
}

/** What the hover shows of a run beyond the index: loaded for a hundred runs at a time. */
async function detailsOf(runIndex) {
  const chunk = await fetchJson(`data/details/${Math.floor(runIndex / 100)}.json`);
  return chunk[runIndex % 100] ?? { url: null, message: "", author: "", date: "" };
}

function linkTo(text, url) {
  const target = safeUrl(url);
  if (!target) return document.createTextNode(text);
  return element("a", { href: target, target: "_blank", rel: "noopener" }, text);
}

// The view's state in the URL: #charts?q=fib&sort=change&log=1 or #compare?base=3&head=9&pr=12.
function readView() {
  const [route, query] = location.hash.replace(/^#/, "").split("?");
  const params = new URLSearchParams(query ?? "");
  state.view = Object.fromEntries(params);
  state.route = route === "compare" ? "compare" : "charts";
}

function writeView() {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state.view)) {
    if (value !== undefined && value !== "" && value !== null) params.set(name, value);
  }
  const query = params.toString();
  history.replaceState(null, "", `#${state.route}${query ? `?${query}` : ""}`);
}

function setView(changes) {
  Object.assign(state.view, changes);
  writeView();
}

function directionHint(benchmark) {
  return H.higherIsBetter(benchmark.unit, benchmark.metric, benchmark.direction)
    ? "higher is better ↑"
    : "lower is better ↓";
}

function visibleBenchmarks() {
  const { q = "", group, metric, machine, sort } = state.view;
  const query = q.trim().toLowerCase();
  const list = state.index.benchmarks.filter(
    (benchmark) =>
      (!query || benchmark.id.toLowerCase().includes(query)) &&
      (!group || benchmark.group === group) &&
      (!metric || benchmark.metric === metric) &&
      (!machine || benchmark.machines.includes(machine)),
  );
  if (sort === "change") {
    const rank = (benchmark) => ["regressed", "noisy", "improved"].indexOf(benchmark.verdict);
    const severity = (benchmark) => (rank(benchmark) < 0 ? 9 : rank(benchmark));
    list.sort(
      (a, b) => severity(a) - severity(b) || Math.abs(b.change ?? 0) - Math.abs(a.change ?? 0),
    );
  }
  return list;
}

function renderCharts() {
  state.observer?.disconnect();
  for (const { chart, resize } of state.charts.values()) {
    resize.disconnect();
    chart.destroy();
  }
  state.charts.clear();
  const grid = byId("grid");
  grid.replaceChildren();
  const benchmarks = visibleBenchmarks();
  const total = state.index.benchmarks.length;
  byId("count").textContent = `${benchmarks.length} of ${total} benchmarks`;
  const empty = byId("empty");
  empty.hidden = benchmarks.length > 0;
  if (total === 0) {
    empty.replaceChildren(
      element("h2", {}, "No runs stored yet"),
      element(
        "p",
        {},
        "Run the bench action on a push to the main branch (or ",
        element("code", {}, "status-gate bench upload"),
        "), then rebuild this site: every stored run becomes a point on these charts.",
      ),
    );
  } else if (benchmarks.length === 0) {
    const clear = element("button", { type: "button", id: "clear-filters" }, "Show all benchmarks");
    clear.addEventListener("click", () => {
      setView({ q: "", group: "", metric: "", machine: "" });
      syncControls();
      renderAll();
    });
    empty.replaceChildren(
      element(
        "p",
        {},
        `No benchmark matches${state.view.q ? ` “${state.view.q}”` : " these filters"}.`,
      ),
      clear,
    );
  }
  state.observer = new IntersectionObserver(onVisible, { rootMargin: "200px" });
  for (const benchmark of benchmarks) grid.append(chartCard(benchmark));
  // The first screenful is drawn at once rather than after the observer's first callback.
  for (const card of [...grid.querySelectorAll(".chart")].slice(0, FIRST_SCREEN)) {
    state.observer.unobserve(card);
    drawChart(card).catch(reportError);
  }
}

function chartCard(benchmark) {
  const change =
    benchmark.verdict && benchmark.verdict !== "unchanged"
      ? element(
          "span",
          { class: `badge ${benchmark.verdict}`, title: "latest run against the one before it" },
          `${benchmark.verdict} ${H.formatChange({ change: 0, relativeChange: benchmark.change ?? undefined })}`,
        )
      : null;
  const card = element(
    "article",
    {
      class: "chart",
      "data-id": benchmark.id,
      "data-metric": benchmark.metric,
      "data-series": benchmark.series,
      "data-verdict": benchmark.verdict ?? "",
    },
    element("h3", {}, element("span", { class: "name" }, benchmark.id), change),
    element(
      "div",
      { class: "meta" },
      `${benchmark.metric === benchmark.unit ? benchmark.metric : `${benchmark.metric} (${benchmark.unit})`} · `,
      element("span", { class: "direction" }, directionHint(benchmark)),
      ` · latest ${H.formatValue(benchmark.latest, benchmark.unit)} · ${benchmark.machines.join(", ")}`,
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
  if (!card.isConnected) return;
  const options = {
    runs: state.index.runs,
    thresholds: state.index.thresholds,
    machine: state.view.machine,
    log: state.view.log === "1",
    onHover: showPoint,
  };
  const chart = window.BenchCharts.draw(card, series, options);
  // Charts follow their card's width as the window grows or shrinks.
  const plot = card.querySelector(".plot");
  const resize = new ResizeObserver(() => {
    const width = Math.floor(plot.clientWidth);
    if (width > 0 && width !== chart.width) chart.setSize({ width, height: 180 });
  });
  resize.observe(plot);
  state.charts.set(card, { chart, resize });
  card.classList.add("drawn");
  if (!window.firstChartAt) {
    window.firstChartAt = performance.now();
    document.body.dataset.firstChart = "yes";
  }
}

function showPoint(card, series, points, index) {
  if (index === null || index === undefined) return;
  const point = points[index];
  const run = point && state.index.runs[point[0]];
  if (!run) return;
  card.dataset.hovered = String(point[0]);
  detailsOf(point[0])
    .then((details) => {
      // The pointer may have moved on while the details loaded.
      if (card.dataset.hovered === String(point[0]))
        describePoint(card, series, point, run, details);
    })
    .catch(reportError);
}

function describePoint(card, series, point, run, details) {
  const repository = repositoryUrl(run);
  const parts = [
    linkTo(run.commit.slice(0, 10), repository && `${repository}/commit/${run.commit}`),
    document.createTextNode(` ${details.message ? `“${details.message}”` : ""}`),
    element("br"),
    document.createTextNode(
      `${details.author ? `${details.author} · ` : ""}${(details.date || run.timestamp).slice(0, 16).replace("T", " ")} · ${H.formatValue(point[1], series.unit)} · ${run.machine}`,
    ),
  ];
  const pull = run.pullRequest ?? run.mergedPullRequest;
  if (pull !== null && pull !== undefined) {
    parts.push(
      document.createTextNode(" · "),
      linkTo(`PR #${pull}`, repository && `${repository}/pull/${pull}`),
    );
  }
  if (details.url) parts.push(document.createTextNode(" · "), linkTo("workflow run", details.url));
  const hover = card.querySelector(".hover");
  hover.replaceChildren(...parts);
  hover.dataset.commit = run.commit;
}

function reportError(error) {
  const message = element("p", { class: "error" }, `Could not load: ${error.message}`);
  document.querySelector("main").prepend(message);
}

function syncControls() {
  byId("search").value = state.view.q ?? "";
  for (const name of ["group", "metric", "machine"]) byId(name).value = state.view[name] ?? "";
  byId("sort").value = state.view.sort ?? "name";
  byId("log").checked = state.view.log === "1";
  byId("window").value = state.view.since ?? "previous";
}

function renderAll() {
  renderCharts();
  window.BenchChanges.render(state).catch(reportError);
}

function route() {
  readView();
  const compare = state.route === "compare";
  byId("charts-view").hidden = compare;
  byId("compare-view").hidden = !compare;
  byId("tab-charts").classList.toggle("active", !compare);
  byId("tab-compare").classList.toggle("active", compare);
  if (compare) window.BenchChanges.renderCompare(state).catch(reportError);
  else {
    syncControls();
    renderAll();
  }
}

function fillSelect(id, values) {
  byId(id).append(...values.map((value) => element("option", { value }, value)));
}

async function start() {
  state.index = await fetchJson("data/index.json");
  const { index } = state;
  byId("repository").textContent =
    `${index.repository || "No repository yet"} · ${index.runs.length} runs · ${index.benchmarks.length} benchmarks`;
  const unique = (values) => [...new Set(values)].sort();
  fillSelect("group", unique(index.benchmarks.map((benchmark) => benchmark.group)));
  fillSelect("metric", unique(index.benchmarks.map((benchmark) => benchmark.metric)));
  fillSelect("machine", unique(index.runs.map((run) => run.machine)));
  const onFilter = (name, read) => (event) => {
    setView({ [name]: read(event.target) });
    renderAll();
  };
  byId("search").addEventListener(
    "input",
    onFilter("q", (target) => target.value),
  );
  for (const name of ["group", "metric", "machine", "sort"]) {
    byId(name).addEventListener(
      "change",
      onFilter(name, (target) => target.value),
    );
  }
  byId("log").addEventListener(
    "change",
    onFilter("log", (target) => (target.checked ? "1" : "")),
  );
  byId("window").addEventListener("change", (event) => {
    setView({ since: event.target.value === "previous" ? "" : event.target.value });
    window.BenchChanges.render(state).catch(reportError);
  });
  window.BenchChanges.setup(state);
  // Colours follow the system's light or dark mode; charts are redrawn in the new palette.
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    if (state.route === "charts") renderCharts();
  });
  window.addEventListener("hashchange", route);
  route();
  document.body.dataset.ready = "yes";
}

window.BenchApp = { element, fetchJson, linkTo, repositoryUrl, setView };
start().catch(reportError);
