import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { type CliCommand, type CliIO, EXIT, paint, parseCommandLine } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { compareResults, countVerdicts, unitChanged } from "./compare.ts";
import { parseStoredRun, type StoredRun } from "./history.ts";
import { readThresholds } from "./inputs.ts";
import { parseResultPaths } from "./parse.ts";
import {
  describeUpload,
  loadRun,
  publishSite,
  siteFiles,
  storedCommits,
  storeRun,
  type UploadReport,
  writeSite,
} from "./publish.ts";
import { formatChange, formatValue } from "./report.ts";
import { comparisonJson } from "./report-file.ts";
import type { BenchmarkResult } from "./results.ts";
import { openStore } from "./store.ts";

const HELP = `Usage: status-gate bench <subcommand> [options]

Benchmark results: read them, compare two runs, store a run, build the dashboard.

Subcommands:
  parse <paths...> [--format json]
      Criterion trees (target/criterion), bencher or cargo-criterion output, Cachegrind and
      Callgrind files, gungraun summaries → {"results":[{id,metric,value,unit,lower,upper,source}]}
  compare --base <file|run> --head <file|run> [--format json]
      A verdict per benchmark: regressed, noisy, removed, added, improved, unchanged.
      <file|run> is a result path, a stored run's JSON file, or with --storage a commit SHA.
      --instruction-threshold 1%  --instruction-floor 100  --time-threshold 5%
  upload <paths...> --storage <dir|s3://bucket/prefix> --commit SHA [--run-id ID] [--attempt N]
      [--ref REF] [--repository OWNER/NAME] [--machine NAME] [--pull-request N [--publish]]
      Stores the run as a new object and rebuilds <storage>/site/.
  site --storage <dir|s3://bucket/prefix> --out <dir> [--window 1000]
      Writes the static dashboard (HTML, JS, data) to a directory.

S3 options: --s3-endpoint URL --s3-region REGION --s3-path-style (credentials from the
environment, as the AWS CLI reads them).

Exit codes: 0 ok; 1 compare found a regression; 2 usage; 3 unexpected error.`;

const S3_OPTIONS = {
  storage: { type: "string" },
  "s3-endpoint": { type: "string" },
  "s3-region": { type: "string" },
  "s3-path-style": { type: "boolean" },
} as const;

export const command: CliCommand = {
  name: "bench",
  subcommands: {
    parse: "read benchmark results and print them",
    compare: "compare results with a stored base run",
    upload: "store a run of results",
    site: "build the dashboard from the stored runs",
  },
  help: HELP,
  async run(args, io) {
    const [subcommand, ...rest] = args;
    if (subcommand === "parse") return parse(rest, io);
    if (subcommand === "compare") return compare(rest, io);
    if (subcommand === "upload") return upload(rest, io);
    if (subcommand === "site") return site(rest, io);
    throw new ConfigurationError(
      `bench: unknown subcommand '${subcommand ?? ""}'; use parse, compare, upload or site (see 'status-gate bench --help')`,
    );
  },
};

function formatOf(value: string | undefined): "json" | "text" {
  if (value === undefined || value === "text") return "text";
  if (value === "json") return "json";
  throw new ConfigurationError(`--format is '${value}'; use json or text`);
}

async function parse(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine("bench parse", args, {
    format: { type: "string" },
  });
  const results = parseResultPaths(positionals, io.cwd);
  if (formatOf(values.format) === "json") {
    io.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
  } else {
    for (const result of results) {
      io.stdout.write(
        `${result.id}  ${result.metric}  ${formatValue(result.value, result.unit)}\n`,
      );
    }
  }
  return EXIT.ok;
}

async function storeFrom(values: Record<string, string | boolean | undefined>, cwd: string) {
  const location = values.storage;
  if (typeof location !== "string") return undefined;
  return openStore(
    location,
    {
      endpoint: values["s3-endpoint"] as string | undefined,
      region: values["s3-region"] as string | undefined,
      pathStyle: values["s3-path-style"] === true,
    },
    cwd,
  );
}

/** A result path, a stored run's JSON file, or a commit whose newest stored run is used. */
async function resultsOf(
  reference: string,
  option: string,
  cwd: string,
  storage: Awaited<ReturnType<typeof storeFrom>>,
): Promise<BenchmarkResult[]> {
  const path = resolve(cwd, reference);
  if (existsSync(path) && statSync(path).isDirectory()) return parseResultPaths([reference], cwd);
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8");
    if (/^\s*\{\s*"schema":\s*1,/.test(text)) return parseStoredRun(text, reference).results;
    return parseResultPaths([reference], cwd);
  }
  if (storage) {
    const key = (await storedCommits(storage.store, storage.prefix)).get(reference);
    if (key) return (await loadRun(storage.store, key)).results;
  }
  throw new ConfigurationError(
    `${option} '${reference}' is neither a file nor ${storage ? "a stored commit" : "a commit (give --storage to look one up)"}`,
  );
}

async function compare(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandLine(
    "bench compare",
    args,
    {
      base: { type: "string" },
      head: { type: "string" },
      format: { type: "string" },
      "instruction-threshold": { type: "string" },
      "instruction-floor": { type: "string" },
      "time-threshold": { type: "string" },
      ...S3_OPTIONS,
    },
    { positionals: false },
  );
  if (!values.base || !values.head)
    throw new ConfigurationError("bench compare needs --base and --head");
  const storage = await storeFrom(values, io.cwd);
  const thresholds = readThresholds(
    (name) => values[name as "time-threshold"],
    (name) => `--${name}`,
  );
  const comparisons = compareResults(
    await resultsOf(values.base, "--base", io.cwd, storage),
    await resultsOf(values.head, "--head", io.cwd, storage),
    thresholds,
  );
  if (formatOf(values.format) === "json") {
    io.stdout.write(`${JSON.stringify(comparisonJson(comparisons), null, 2)}\n`);
  } else {
    for (const comparison of comparisons) {
      const colour =
        comparison.verdict === "regressed"
          ? "red"
          : comparison.verdict === "improved"
            ? "green"
            : "dim";
      const { base, head } = comparison;
      const numbers = unitChanged(comparison)
        ? `${formatValue(base?.value, base?.unit ?? comparison.unit)} → ${formatValue(head?.value, head?.unit ?? comparison.unit)} (${comparison.reason})`
        : `${formatValue(base?.value, comparison.unit)} → ${formatValue(head?.value, comparison.unit)} ${formatChange(comparison)}`;
      io.stdout.write(
        `${paint(io, colour, comparison.verdict.padEnd(9))}  ${comparison.id}  ${comparison.metric}  ${numbers}\n`,
      );
    }
  }
  return countVerdicts(comparisons).regressed > 0 ? EXIT.failed : EXIT.ok;
}

async function upload(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine("bench upload", args, {
    commit: { type: "string" },
    ref: { type: "string" },
    repository: { type: "string" },
    "run-id": { type: "string" },
    attempt: { type: "string" },
    machine: { type: "string" },
    "pull-request": { type: "string" },
    "base-commit": { type: "string" },
    publish: { type: "boolean" },
    window: { type: "string" },
    ...S3_OPTIONS,
  });
  const storage = await storeFrom(values, io.cwd);
  if (!storage)
    throw new ConfigurationError("bench upload needs --storage <dir|s3://bucket/prefix>");
  if (!values.commit) throw new ConfigurationError("bench upload needs --commit <sha>");
  const pullRequest = values["pull-request"] === undefined ? null : Number(values["pull-request"]);
  if (pullRequest !== null && !Number.isSafeInteger(pullRequest)) {
    throw new ConfigurationError(`--pull-request is '${values["pull-request"]}'; use a number`);
  }
  const run: StoredRun = {
    schema: 1,
    run: {
      repository: values.repository ?? io.env.GITHUB_REPOSITORY ?? "",
      ref: values.ref ?? "",
      commit: values.commit,
      baseCommit: values["base-commit"] ?? null,
      pullRequest,
      machine: values.machine ?? "local",
      tools: {},
      timestamp: new Date().toISOString(),
      runId: values["run-id"] ?? String(Date.now()),
      runAttempt: values.attempt ?? "1",
      url: null,
    },
    results: parseResultPaths(positionals, io.cwd),
  };
  const report: UploadReport = { stored: [], notStored: [] };
  report.stored.push(
    await storeRun(
      storage.store,
      storage.prefix,
      run,
      pullRequest === null || values.publish === true,
    ),
  );
  const { SITE_ASSETS } = await import("./site-assets.ts");
  await publishSite(storage.store, storage.prefix, SITE_ASSETS, windowOf(values.window), report);
  io.stdout.write(`${describeUpload(report)}\n`);
  return EXIT.ok;
}

function windowOf(value: string | undefined): number {
  if (value === undefined) return 1000;
  const window = Number(value);
  if (!Number.isSafeInteger(window) || window < 1) {
    throw new ConfigurationError(`--window is '${value}'; use a whole number of runs such as 1000`);
  }
  return window;
}

async function site(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandLine(
    "bench site",
    args,
    { out: { type: "string" }, window: { type: "string" }, ...S3_OPTIONS },
    { positionals: false },
  );
  const storage = await storeFrom(values, io.cwd);
  if (!storage || !values.out) throw new ConfigurationError("bench site needs --storage and --out");
  const { SITE_ASSETS } = await import("./site-assets.ts");
  const { files } = await siteFiles(
    storage.store,
    storage.prefix,
    SITE_ASSETS,
    windowOf(values.window),
  );
  writeSite(resolve(io.cwd, values.out), files);
  io.stdout.write(`wrote ${files.size} files to ${values.out}\n`);
  return EXIT.ok;
}
