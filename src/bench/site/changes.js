// "What changed" (the latest run of each machine against an earlier one) and the compare view
// (any two runs, or a pull request against its base). Both judge with BenchHelpers and the
// thresholds stored in the index, exactly as the action judges a pull request, and fold metrics
// per benchmark the way the PR comment does. Loaded before app.js; exposes window.BenchChanges.
(() => {
  const H = window.BenchHelpers;
  const app = () => window.BenchApp;
  const byId = (id) => document.getElementById(id);
  const DAY = 86_400_000;

  /** The runs of each lane (job and matrix leg), oldest first, by their index in the index. */
  function lanes(runs, machine) {
    const byLane = new Map();
    runs.forEach((run, index) => {
      if (machine && run.machine !== machine) return;
      const lane = window.BenchCharts.laneOf(run);
      byLane.set(lane, [...(byLane.get(lane) ?? []), index]);
    });
    return [...byLane.values()];
  }

  /**
   * The run to compare a lane's latest with: the lane's run of the commit before (a re-run is
   * never compared with its own first attempt), or the last one `days` back.
   */
  function baseOf(runs, lane, since) {
    const latest = runs[lane[lane.length - 1]];
    const earlier = lane.filter((index) => runs[index].commit !== latest.commit);
    if (earlier.length === 0) return undefined;
    if (!since) return earlier[earlier.length - 1];
    const cutoff = Date.parse(latest.timestamp) - Number(since) * DAY;
    const older = earlier.filter((index) => Date.parse(runs[index].timestamp) <= cutoff);
    return older.length > 0 ? older[older.length - 1] : earlier[0];
  }

  /** The head judged as its upload judged it: with the thresholds stored with it. */
  async function compareFiles(baseFile, headFile, thresholds) {
    const [base, head] = await Promise.all([
      baseFile ? app().fetchJson(`data/${baseFile}`) : { results: [] },
      app().fetchJson(`data/${headFile}`),
    ]);
    const judgedWith = head.thresholds ?? thresholds;
    return {
      comparisons: H.compareResults(base.results, head.results, judgedWith),
      thresholds: judgedWith,
    };
  }

  async function render(state) {
    const { runs, thresholds } = state.index;
    const { element } = app();
    const list = byId("changes-list");
    const note = byId("changes-note");
    byId("changes").hidden = runs.length === 0;
    if (runs.length === 0) return;
    const pairs = lanes(runs, state.view.machine)
      .map((lane) => [baseOf(runs, lane, state.view.since), lane[lane.length - 1]])
      .filter(([base]) => base !== undefined);
    if (pairs.length === 0) {
      note.textContent =
        "Only one commit measured so far: changes show here from the second one on.";
      list.replaceChildren();
      return;
    }
    const comparisons = (
      await Promise.all(
        pairs.map(async ([base, head]) => {
          const judged = await compareFiles(runs[base].file, runs[head].file, thresholds);
          return judged.comparisons;
        }),
      )
    ).flat();
    const benchmarks = H.byBenchmark(comparisons);
    const changed = benchmarks.filter((benchmark) =>
      ["regressed", "improved"].includes(benchmark.verdict),
    );
    const count = (verdict) =>
      benchmarks.filter((benchmark) => benchmark.verdict === verdict).length;
    const [base, head] = pairs[0];
    const since = state.view.since ? `${state.view.since} days earlier` : "the previous run";
    note.textContent = `Latest run ${runs[head].timestamp.slice(0, 10)} (${runs[head].commit.slice(0, 10)}) against ${since}, ${runs[base].timestamp.slice(0, 10)} (${runs[base].commit.slice(0, 10)})${pairs.length > 1 ? ` and ${pairs.length - 1} more machines` : ""}: ${count("regressed")} regressed, ${count("improved")} improved, ${count("noisy")} noisy, ${count("unchanged")} unchanged.${changed.length === 0 ? " Nothing changed beyond the thresholds." : ""}`;
    list.replaceChildren(
      ...changed.map((benchmark) => {
        const { worst } = benchmark;
        const show = element("button", { type: "button", class: "linkish" }, benchmark.id);
        show.addEventListener("click", () => {
          app().setView({ q: benchmark.id });
          document.getElementById("search").value = benchmark.id;
          document.getElementById("search").dispatchEvent(new Event("input"));
        });
        return element(
          "li",
          { class: benchmark.verdict, "data-id": benchmark.id, "data-verdict": benchmark.verdict },
          element("span", { class: `badge ${benchmark.verdict}` }, benchmark.verdict),
          show,
          element(
            "span",
            { class: "muted" },
            ` ${worst.metric} ${H.formatValue(worst.base?.value, worst.unit)} → ${H.formatValue(worst.head?.value, worst.unit)}`,
          ),
          element("strong", { class: "change" }, ` ${H.formatChange(worst)}`),
        );
      }),
    );
  }

  function runLabel(run) {
    return `${run.timestamp.slice(0, 10)} ${run.commit.slice(0, 10)} · ${run.machine}`;
  }

  function setup(state) {
    const { element } = app();
    const { runs, pulls } = state.index;
    for (const id of ["compare-base", "compare-head"]) {
      byId(id).replaceChildren(
        ...runs.map((run, index) => element("option", { value: index }, runLabel(run))).reverse(),
      );
    }
    byId("compare-pull").append(
      ...pulls.map((pull) =>
        element(
          "option",
          { value: pull.number },
          `PR #${pull.number} (${pull.commit.slice(0, 10)})`,
        ),
      ),
    );
    const choose = (changes) => {
      app().setView(changes);
      renderCompare(state).catch((error) => byId("compare-note").append(` ${error.message}`));
    };
    byId("compare-base").addEventListener("change", (event) =>
      choose({ base: event.target.value, pr: "" }),
    );
    byId("compare-head").addEventListener("change", (event) =>
      choose({ head: event.target.value, pr: "" }),
    );
    byId("compare-pull").addEventListener("change", (event) => choose({ pr: event.target.value }));
  }

  function describeThresholds(thresholds) {
    return `Judged as in the pull-request comment: instruction and event counts change when beyond ${H.percent(thresholds.countRelative)} and ${thresholds.countAbsolute}; times when beyond ${H.percent(thresholds.timeRelative)} with confidence intervals apart (else noisy).`;
  }

  async function renderCompare(state) {
    const { runs, pulls, thresholds } = state.index;
    const { view } = state;
    const tbody = byId("compare-table").querySelector("tbody");
    byId("thresholds").textContent = describeThresholds(thresholds);
    if (runs.length === 0 && pulls.length === 0) {
      byId("compare-note").textContent =
        "Nothing to compare yet: store runs with the bench action, then rebuild this site.";
      tbody.replaceChildren();
      return;
    }
    let baseFile;
    let headFile;
    let note;
    const pull = view.pr && pulls.find((candidate) => String(candidate.number) === view.pr);
    byId("compare-pull").value = pull ? String(pull.number) : "";
    if (pull) {
      baseFile = pull.baseFile;
      headFile = pull.file;
      note = pull.baseFile
        ? `PR #${pull.number} at ${pull.commit.slice(0, 10)} against its base ${pull.baseCommit.slice(0, 10)}`
        : `PR #${pull.number} has no stored base run: every benchmark shows as added`;
    } else {
      const headIndex = view.head ?? String(runs.length - 1);
      const baseIndex = view.base ?? String(Math.max(0, runs.length - 2));
      const base = runs[Number(baseIndex)];
      const head = runs[Number(headIndex)];
      if (!base || !head) return;
      byId("compare-base").value = baseIndex;
      byId("compare-head").value = headIndex;
      baseFile = base.file;
      headFile = head.file;
      note = `${runLabel(base)} → ${runLabel(head)}`;
    }
    const judged = await compareFiles(baseFile, headFile, thresholds);
    byId("compare-note").textContent = note;
    byId("thresholds").textContent = describeThresholds(judged.thresholds);
    tbody.replaceChildren(...H.byBenchmark(judged.comparisons).map(compareRow));
  }

  /** One row per benchmark, its worst metric shown, as in the PR comment. */
  function compareRow(benchmark) {
    const { element } = app();
    const { worst } = benchmark;
    const unit = (side) => side?.unit ?? worst.unit;
    return element(
      "tr",
      { "data-id": benchmark.id, "data-metric": worst.metric, "data-verdict": benchmark.verdict },
      element("td", {}, element("code", {}, benchmark.id)),
      element("td", {}, worst.metric),
      element(
        "td",
        { class: "num", "data-value": worst.base?.value },
        worst.base ? H.formatMeasurement(worst.base, unit(worst.base)) : "—",
      ),
      element(
        "td",
        { class: "num", "data-value": worst.head?.value },
        worst.head ? H.formatMeasurement(worst.head, unit(worst.head)) : "—",
      ),
      element("td", { class: `num ${benchmark.verdict}` }, H.formatChange(worst) || "—"),
      element(
        "td",
        { class: benchmark.verdict, title: worst.reason },
        H.VERDICT_LABELS[benchmark.verdict],
      ),
    );
  }

  window.BenchChanges = { render, renderCompare, setup };
})();
