import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import {
  type CliCommand,
  type CliIO,
  EXIT,
  oneOf,
  paint,
  parseCommandLine,
  printJson,
} from "../cli/command.ts";
import { runnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import { Inputs } from "../core/inputs.ts";
import {
  compareResults,
  countVerdicts,
  DEFAULT_THRESHOLDS,
  notJudged,
  type Thresholds,
} from "./compare.ts";
import { localGit } from "./context.ts";
import { formatChange, formatValue } from "./format.ts";
import { parseStoredRun, type StoredRun } from "./history.ts";
import { readStorage, readThresholds } from "./inputs.ts";
import { commitByPrefix, storedCommits, storedRunFor } from "./lookup.ts";
import { parseResultPaths } from "./parse.ts";
import { describeUpload, siteFiles, uploadRun, writeSite } from "./publish.ts";
import { comparisonJson } from "./report-file.ts";
import type { BenchmarkResult } from "./results.ts";
import { type OpenedStore, openStore } from "./store.ts";

const HELP = `Usage: status-gate bench <subcommand> [options]

Benchmark results: read them, compare two runs, store a run, build the dashboard.

Subcommands:
  parse <paths...> [--format json] [--json-direction smaller|bigger]
      Criterion trees (target/criterion), bencher or cargo-criterion output, Cachegrind and
      Callgrind files, gungraun summaries, generic JSON
      → {"results":[{id,metric,value,unit,lower,upper,source}]}
  compare [--base <ref>] --head <ref> [--format json]
      A verdict per benchmark: regressed, noisy, removed, added, improved, unchanged.
      <ref> is a result path or a stored run's JSON file, or with --storage a commit SHA (short
      or full), a branch or tag of this checkout, or pr:<n> for a pull request's newest run
      (whose stored base is then the default --base).
      --instruction-threshold 1%  --instruction-floor 100  --time-threshold 5%
      (a stored head is judged with the thresholds stored with it unless these are given)
  upload <paths...> --storage <where> --commit SHA [--base-commit SHA] [--timestamp ISO-8601]
      [--url URL] [--run-id ID] [--attempt N] [--job NAME] [--matrix-leg LEG] [--ref REF]
      [--repository OWNER/NAME] [--machine NAME] [--pull-request N [--publish]] [--format json]
      Stores the run as a new object and rebuilds <storage>/site/.
  site --storage <where> --out <dir> [--window 1000] [--format json]
      Writes the static dashboard (HTML, JS, data) to a directory. Each run is judged with the
      thresholds its upload stored, unless threshold flags are given.

<where> is a directory, s3://bucket/prefix, or git-branch (--storage-branch gh-pages,
--storage-repository URL-or-path; GITHUB_TOKEN authenticates HTTPS pushes to
GITHUB_SERVER_URL, github.com by default, and is sent nowhere else).
S3 options: --s3-endpoint URL --s3-region REGION --s3-path-style (credentials from the
environment, as the AWS CLI reads them).

Exit codes: 0 ok; 1 compare found a regression; 2 usage, or nothing to read; 3 unexpected error.`;

const STORAGE_OPTIONS = {
  storage: { type: "string" },
  "storage-branch": { type: "string" },
  "storage-repository": { type: "string" },
  "s3-endpoint": { type: "string" },
  "s3-region": { type: "string" },
  "s3-path-style": { type: "boolean" },
} as const;

const THRESHOLD_OPTIONS = {
  "instruction-threshold": { type: "string" },
  "instruction-floor": { type: "string" },
  "time-threshold": { type: "string" },
} as const;

export const command: CliCommand = {
  name: "bench",
  subcommands: {
    parse: "read benchmark results and print them",
    compare: "compare results or stored runs, a verdict per benchmark",
    upload: "store a run of results and rebuild the dashboard",
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
      `unknown subcommand '${subcommand ?? ""}'; use parse, compare, upload or site (see 'status-gate bench --help')`,
    );
  },
};

type Values = Record<string, string | boolean | undefined>;

function formatOf(values: Values): "json" | "text" {
  return oneOf("--format", (values.format as string | undefined) ?? "text", ["text", "json"]);
}

function genericOf(values: Values) {
  return {
    direction: Inputs.fromFlags(values).enumeration(
      "json-direction",
      ["smaller", "bigger"] as const,
      "smaller",
    ),
  };
}

async function parse(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine("bench parse", args, {
    format: { type: "string" },
    "json-direction": { type: "string" },
  });
  const format = formatOf(values);
  if (positionals.length === 0) {
    throw new ConfigurationError("give the result files or directories to read");
  }
  const results = parseResultPaths(positionals, io.cwd, genericOf(values));
  if (format === "json") {
    printJson(io, { results });
  } else {
    for (const result of results) {
      io.stdout.write(
        `${result.id}  ${result.metric}  ${formatValue(result.value, result.unit)}\n`,
      );
    }
  }
  return EXIT.ok;
}

async function storeFrom(values: Values, io: CliIO): Promise<OpenedStore | undefined> {
  const inputs = Inputs.fromFlags(values);
  const settings = readStorage(inputs, runnerContext(io.env), io.env.GITHUB_TOKEN || undefined);
  return settings && openStore(settings, io.cwd);
}

/** A result path, a stored run's JSON file, or a stored run named by commit, branch or PR. */
async function runOf(
  reference: string,
  flag: string,
  io: CliIO,
  storage: OpenedStore | undefined,
  like?: StoredRun,
): Promise<{ results: BenchmarkResult[]; run?: StoredRun }> {
  const path = resolve(io.cwd, reference);
  if (existsSync(path) && statSync(path).isDirectory()) {
    return { results: parseResultPaths([reference], io.cwd) };
  }
  if (existsSync(path)) {
    const text = readFileSync(path, "utf8");
    if (/^\s*\{\s*"schema":\s*1,/.test(text)) {
      const run = parseStoredRun(text, reference);
      return { results: run.results, run };
    }
    return { results: parseResultPaths([reference], io.cwd) };
  }
  const run =
    storage && (await storedRunFor(storage, localGit(io.cwd), reference, flag, like?.run));
  if (run) return { results: run.results, run };
  throw new ConfigurationError(
    `${flag} '${reference}' is neither a file nor ${storage ? "a stored commit, a branch of this checkout or pr:<n>" : "a file (give --storage to look up commits, branches and pr:<n>)"}`,
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
      ...THRESHOLD_OPTIONS,
      ...STORAGE_OPTIONS,
    },
    { positionals: false },
  );
  const format = formatOf(values);
  if (!values.head) throw new ConfigurationError("--head is required");
  const storage = await storeFrom(values, io);
  try {
    const given = thresholdsOf(values);
    const head = await runOf(values.head, "--head", io, storage);
    // A stored head is judged as its upload judged it, unless the command line says otherwise.
    const thresholds = given ?? head.run?.run.thresholds ?? DEFAULT_THRESHOLDS;
    const baseReference = values.base ?? head.run?.run.baseCommit;
    if (!baseReference) {
      throw new ConfigurationError(
        "--base is required (only a stored pull-request run names its own base)",
      );
    }
    const base = await runOf(baseReference, "--base", io, storage, head.run);
    const comparisons = compareResults(base.results, head.results, thresholds);
    if (format === "json") {
      printJson(io, comparisonJson(comparisons));
    } else {
      for (const comparison of comparisons) {
        const colour =
          comparison.verdict === "regressed"
            ? "red"
            : comparison.verdict === "improved"
              ? "green"
              : "dim";
        const { base: was, head: now } = comparison;
        const numbers = notJudged(comparison)
          ? `${formatValue(was?.value, was?.unit ?? comparison.unit)} → ${formatValue(now?.value, now?.unit ?? comparison.unit)} (${comparison.reason})`
          : `${formatValue(was?.value, comparison.unit)} → ${formatValue(now?.value, comparison.unit)} ${formatChange(comparison)}`;
        io.stdout.write(
          `${paint(io, colour, comparison.verdict.padEnd(9))}  ${comparison.id}  ${comparison.metric}  ${numbers}\n`,
        );
      }
    }
    return countVerdicts(comparisons).regressed > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    storage?.store.close?.();
  }
}

/** The thresholds the command line sets, or undefined when it sets none. */
function thresholdsOf(values: Values): Thresholds | undefined {
  if (!Object.keys(THRESHOLD_OPTIONS).some((name) => values[name] !== undefined)) return undefined;
  const inputs = Inputs.fromFlags(values);
  return readThresholds(
    (name) => inputs.optional(name),
    (name) => inputs.label(name),
  );
}

function timestampOf(value: string | undefined): string {
  if (value === undefined) return new Date().toISOString();
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) {
    throw new ConfigurationError(
      `--timestamp is '${value}'; use ISO 8601 such as 2026-01-31T12:00:00Z`,
    );
  }
  return new Date(time).toISOString();
}

async function upload(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine("bench upload", args, {
    commit: { type: "string" },
    "base-commit": { type: "string" },
    timestamp: { type: "string" },
    url: { type: "string" },
    ref: { type: "string" },
    repository: { type: "string" },
    "run-id": { type: "string" },
    attempt: { type: "string" },
    job: { type: "string" },
    "matrix-leg": { type: "string" },
    machine: { type: "string" },
    "pull-request": { type: "string" },
    publish: { type: "boolean" },
    window: { type: "string" },
    format: { type: "string" },
    "json-direction": { type: "string" },
    ...THRESHOLD_OPTIONS,
    ...STORAGE_OPTIONS,
  });
  const format = formatOf(values);
  const inputs = Inputs.fromFlags(values);
  const commit = inputs.required("commit");
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) {
    throw new ConfigurationError(`--commit is '${commit}'; use the commit's SHA`);
  }
  if (!values.storage)
    throw new ConfigurationError(
      "--storage is required (a directory, s3://bucket/prefix or git-branch)",
    );
  const pullRequest =
    values["pull-request"] === undefined
      ? null
      : inputs.integer("pull-request", 0, { min: 1, max: 2 ** 31 });
  const url = values.url;
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) {
    throw new ConfigurationError(`--url is '${url}'; use the workflow run's http(s) address`);
  }
  const thresholds = thresholdsOf(values) ?? DEFAULT_THRESHOLDS;
  const results = parseResultPaths(positionals, io.cwd, genericOf(values));
  const window = inputs.integer("window", 1000, { min: 1, max: 100_000 });
  const git = localGit(io.cwd);
  const described = await git.describe(commit);
  const storage = await storeFrom(values, io);
  if (!storage) throw new ConfigurationError("--storage is required");
  try {
    const baseCommit = values["base-commit"]
      ? (commitByPrefix(
          await storedCommits(storage.store, storage.prefix),
          values["base-commit"],
          "--base-commit",
        ) ?? values["base-commit"])
      : null;
    const runner = runnerContext(io.env);
    const run: StoredRun = {
      schema: 1,
      run: {
        repository: values.repository ?? runner.repositoryName,
        ref: values.ref ?? "",
        commit,
        baseCommit,
        pullRequest,
        machine: values.machine ?? "local",
        tools: {},
        timestamp: timestampOf(values.timestamp),
        runId: values["run-id"] ?? String(Date.now()),
        runAttempt: values.attempt ?? "1",
        url: url ?? null,
        ...(values.job ? { job: values.job } : {}),
        ...(values["matrix-leg"] ? { matrixLeg: values["matrix-leg"] } : {}),
        thresholds,
        serverUrl: runner.urls.server,
        ...(described
          ? {
              commitMessage: described.message,
              commitAuthor: described.author,
              commitDate: described.date,
            }
          : {}),
      },
      results,
    };
    const { SITE_ASSETS } = await import("./site-assets.ts");
    const { report, skipped } = await uploadRun(
      storage.store,
      storage.prefix,
      run,
      pullRequest === null || values.publish === true,
      { assets: SITE_ASSETS, window, settings: {} },
    );
    for (const { key, problem } of skipped)
      io.stderr.write(`skipped unreadable stored run ${key}: ${problem}\n`);
    if (format === "json") printJson(io, { ...report, skipped });
    else io.stdout.write(`${describeUpload(report)}\n`);
    return EXIT.ok;
  } finally {
    storage.store.close?.();
  }
}

async function site(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandLine(
    "bench site",
    args,
    {
      out: { type: "string" },
      window: { type: "string" },
      format: { type: "string" },
      ...THRESHOLD_OPTIONS,
      ...STORAGE_OPTIONS,
    },
    { positionals: false },
  );
  const format = formatOf(values);
  const inputs = Inputs.fromFlags(values);
  const out = inputs.required("out");
  const window = inputs.integer("window", 1000, { min: 1, max: 100_000 });
  // Without threshold flags each run is judged with the thresholds its upload stored.
  const thresholds = thresholdsOf(values);
  if (!values.storage) throw new ConfigurationError("--storage is required");
  const storage = await storeFrom(values, io);
  if (!storage) throw new ConfigurationError("--storage is required");
  try {
    const { SITE_ASSETS } = await import("./site-assets.ts");
    const { files, skipped } = await siteFiles(
      storage.store,
      storage.prefix,
      SITE_ASSETS,
      window,
      thresholds ? { thresholds } : {},
    );
    writeSite(resolve(io.cwd, out), files);
    for (const { key, problem } of skipped)
      io.stderr.write(`skipped unreadable stored run ${key}: ${problem}\n`);
    if (format === "json") printJson(io, { files: files.size, out, skipped });
    else io.stdout.write(`wrote ${files.size} files to ${out}\n`);
    return EXIT.ok;
  } finally {
    storage.store.close?.();
  }
}
