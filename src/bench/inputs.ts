import type { RunnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import type { Inputs } from "../core/inputs.ts";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./compare.ts";
import type { BenchInputs } from "./run.ts";
import type { StorageSettings } from "./store.ts";

/**
 * `1%`, `0.5 %` or a fraction such as `0.01`; the error names where the value came from. A bare
 * number above 1 is refused rather than read as a fraction: `5` almost always means 5%, and
 * reading it as 500% would call every regression unchanged.
 */
export function parseFraction(value: string, source: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(value.trim());
  const fraction = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (match && !match[2] && fraction > 1) {
    throw new ConfigurationError(
      `${source} is '${value}', a fraction above 1; write ${match[1]}% for a percentage, or a fraction such as 0.05`,
    );
  }
  if (!match || !Number.isFinite(fraction) || fraction < 0 || fraction > 10) {
    throw new ConfigurationError(`${source} is '${value}'; use a percentage such as 1% or 0.5%`);
  }
  return fraction;
}

export function parseCount(value: string, source: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new ConfigurationError(`${source} is '${value}'; use a whole number such as 100`);
  }
  return Number(value.trim());
}

export function readThresholds(
  read: (name: string) => string | undefined,
  label: (name: string) => string,
): Thresholds {
  const value = (name: string) => read(name);
  const countRelative = value("instruction-threshold");
  const countAbsolute = value("instruction-floor");
  const timeRelative = value("time-threshold");
  return {
    countRelative:
      countRelative === undefined
        ? DEFAULT_THRESHOLDS.countRelative
        : parseFraction(countRelative, label("instruction-threshold")),
    countAbsolute:
      countAbsolute === undefined
        ? DEFAULT_THRESHOLDS.countAbsolute
        : parseCount(countAbsolute, label("instruction-floor")),
    timeRelative:
      timeRelative === undefined
        ? DEFAULT_THRESHOLDS.timeRelative
        : parseFraction(timeRelative, label("time-threshold")),
  };
}

/** `@login` or `@org/team`, as GitHub mentions them; anything else is refused, not escaped. */
export function parseMentions(items: readonly string[], label: string): string[] {
  return items.map((item) => {
    const name = item.trim().replace(/^@/, "");
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9_.-]+)?$/.test(name)) {
      throw new ConfigurationError(
        `${label} has '${item}'; use GitHub logins or teams such as @octocat or @org/team`,
      );
    }
    return `@${name}`;
  });
}

/** The branch a merge queue's group will land on (`merge_group.base_ref`), if this is one. */
function mergeGroupBase(runner: RunnerContext): string | undefined {
  const group = runner.payload.merge_group as { base_ref?: unknown } | undefined;
  if (runner.eventName !== "merge_group" || typeof group?.base_ref !== "string") return undefined;
  return group.base_ref.replace(/^refs\/heads\//, "");
}

/** Every input of action.yml that shapes the run, read once into one typed object. */
export function readBenchInputs(inputs: Inputs, runner: RunnerContext): BenchInputs {
  const defaultBranch = defaultBranchOf(runner);
  const baseBranch = runner.pullRequest?.baseRef ?? mergeGroupBase(runner) ?? defaultBranch;
  const failThreshold = inputs.optional("fail-threshold");
  return {
    results: inputs.list("results"),
    mode: inputs.enumeration("mode", ["auto", "upload", "compare"] as const, "auto"),
    thresholds: readThresholds(
      (name) => inputs.optional(name),
      (name) => inputs.label(name),
    ),
    failOnRegression: inputs.boolean("fail-on-regression", true),
    comment: inputs.boolean("comment", true),
    storePullRequests: inputs.boolean("store-pull-requests", true),
    publishPullRequests: inputs.boolean("publish-pull-requests", false),
    mainBranch: inputs.string("main-branch", defaultBranch),
    baseRef: inputs.string("base-ref", `origin/${baseBranch}`),
    historyWindow: inputs.integer("history-window", 1000, { min: 10, max: 100_000 }),
    siteDirectory: inputs.optional("site-directory"),
    commentOnAlert: inputs.boolean("comment-on-alert", true),
    alertMentions: parseMentions(inputs.list("alert-mentions"), inputs.label("alert-mentions")),
    failThreshold:
      failThreshold === undefined
        ? undefined
        : parseFraction(failThreshold, inputs.label("fail-threshold")),
    dashboardUrl: inputs.optional("dashboard-url"),
    generic: {
      direction: inputs.enumeration("json-direction", ["smaller", "bigger"] as const, "smaller"),
    },
  };
}

function defaultBranchOf(runner: RunnerContext): string {
  const repository = runner.payload.repository as { default_branch?: unknown } | undefined;
  return typeof repository?.default_branch === "string" ? repository.default_branch : "main";
}

/** Everything else action.yml takes: where to store, how to reach GitHub, what to record. */
export interface ActionSettings {
  bench: BenchInputs;
  storage: StorageSettings | undefined;
  token: string | undefined;
  commentAuthor: string | undefined;
  machine: string | undefined;
  matrixLeg: string | undefined;
  toolVersions: string[];
}

export function readActionSettings(inputs: Inputs, runner: RunnerContext): ActionSettings {
  const token = inputs.optional("token");
  return {
    bench: readBenchInputs(inputs, runner),
    storage: readStorage(inputs, runner, token),
    token,
    commentAuthor: inputs.optional("comment-author"),
    machine: inputs.optional("machine"),
    matrixLeg: inputs.optional("matrix-leg"),
    toolVersions: inputs.list("tool-versions"),
  };
}

/** `storage` and the inputs that go with it; the git branch defaults to this repository's. */
export function readStorage(
  inputs: Inputs,
  runner: RunnerContext,
  token: string | undefined,
): StorageSettings | undefined {
  const location = inputs.optional("storage");
  if (!location) return undefined;
  const repository =
    inputs.optional("storage-repository") ??
    (runner.repositoryName ? `${runner.urls.server}/${runner.repositoryName}.git` : undefined);
  return {
    location,
    s3: {
      region: inputs.optional("s3-region"),
      endpoint: inputs.optional("s3-endpoint"),
      pathStyle: inputs.boolean("s3-path-style", false),
    },
    git: {
      branch: inputs.string("storage-branch", "gh-pages"),
      repository,
      token,
      server: runner.urls.server,
      temp: runner.temp,
    },
  };
}
