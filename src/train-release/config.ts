import { type ConfigContext, loadYamlConfig } from "../core/config.ts";
import { formatDuration, MAX_DURATION_MS, parseDuration } from "../core/duration.ts";
import { type COMPONENT_KINDS, TRAIN_SCHEMA } from "./config-schema.ts";
import { type FreezeWindow, MIN_CATCH_UP_MS, type Schedule } from "./schedule.ts";
import { templateProblem } from "./templates.ts";

export { COMPONENT_KINDS } from "./config-schema.ts";

export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export interface ComponentOverride {
  path: string;
  name?: string;
  kind?: ComponentKind;
  tagPrefix?: string;
  /** Leave this manifest out of the train. */
  skip: boolean;
  /** More tags on each release of this component: `runtime-operator/v{version}`, `v{major}`. */
  extraTags: string[];
  /** Files attached to each release of this component before it is published. */
  assets: string[];
}

/** A file outside the manifest that carries a component's version (a Helm chart, a constant). */
export interface VersionFile {
  path: string;
  /** Dotted keys (YAML, JSON, TOML) whose values are set to the component's version. */
  keys: string[];
  component: string;
}

/** Files no component owns by path that still change what some components ship. */
export interface SharedInput {
  paths: string[];
  /** Component names, or `*` for all. */
  affects: string[];
}

export interface WorkflowDispatch {
  workflow: string;
  ref: string | undefined;
  /** One dispatch per released component instead of one per train. */
  perComponent: boolean;
  /** Input values; `{name}`, `{version}`, `{tag}`, `{slot}` and `{released}` are filled in. */
  inputs: Record<string, string>;
}

export interface CommitSettings {
  /** The release commit's subject and the release pull request's title. */
  subject: string;
  /** The branch of the release pull request. */
  branch: string;
  author: { name: string; email: string };
  /** A DCO `Signed-off-by:` trailer for the author. */
  signoff: boolean;
}

export interface WaitFor {
  /** Check names or globs that must pass on the commit before it is tagged. */
  checks: string[];
  timeoutMs: number;
  pollIntervalMs: number;
}

export interface TrainConfig {
  /** Where the configuration came from, for messages; undefined when defaults apply. */
  file: string | undefined;
  schedule: Schedule;
  emptyTrain: "skip" | "always";
  mode: "tag" | "pull-request";
  markerPrefix: string;
  preOne: "cargo" | "semver";
  releaseCandidates: "refuse" | "next-rc" | "finalize";
  releaseNotes: "commits" | "github";
  bootstrap: string | undefined;
  /** What a train does while an earlier train's release pull request is still open. */
  pendingRelease: "wait" | "carry";
  releaseName: string;
  tagMessage: string;
  changelog: boolean;
  /** Folder roles: a component under one of these globs is of that kind. */
  kinds: Partial<Record<ComponentKind, string[]>>;
  commit: CommitSettings;
  assets: { attach: "now" | "later"; bundles: "optional" | "required" | "none" };
  waitFor: WaitFor | undefined;
  components: ComponentOverride[];
  versionFiles: VersionFile[];
  shared: SharedInput[];
  ignore: string[];
  dispatch: WorkflowDispatch[];
}

export const DEFAULT_IGNORE = [".github/**"];
export const DEFAULT_KINDS: TrainConfig["kinds"] = { example: ["examples/**", "**/examples/**"] };
export const DEFAULT_COMMIT: CommitSettings = {
  subject: "release: train {slot}",
  branch: "release/train-{slot}",
  author: {
    name: "github-actions[bot]",
    email: "41898282+github-actions[bot]@users.noreply.github.com",
  },
  signoff: false,
};

/** The file as written (YAML keys), after the schema held. */
interface RawConfig {
  schedule: {
    anchor: string;
    every: string | number;
    at?: string;
    timezone?: string;
    "catch-up"?: string;
  };
  freeze?: string | string[];
  "empty-train"?: TrainConfig["emptyTrain"];
  mode?: TrainConfig["mode"];
  "marker-prefix"?: string;
  "pre-1.0"?: TrainConfig["preOne"];
  "release-candidates"?: TrainConfig["releaseCandidates"];
  "release-notes"?: TrainConfig["releaseNotes"];
  bootstrap?: string;
  "pending-release"?: TrainConfig["pendingRelease"];
  "release-name"?: string;
  "tag-message"?: string;
  changelog?: boolean;
  kinds?: Partial<Record<ComponentKind, string | string[]>>;
  commit?: {
    subject?: string;
    branch?: string;
    author?: { name: string; email: string };
    signoff?: boolean;
  };
  assets?: { attach?: "now" | "later"; bundles?: "optional" | "required" | "none" };
  "wait-for"?: { checks: string | string[]; timeout?: string; "poll-interval"?: string };
  components?: Array<{
    path: string;
    name?: string;
    kind?: ComponentKind;
    "tag-prefix"?: string;
    skip?: boolean;
    "extra-tags"?: string | string[];
    assets?: string | string[];
  }>;
  "version-files"?: Array<{ path: string; keys: string | string[]; component: string }>;
  shared?: Array<{ paths: string | string[]; affects: string | string[] }>;
  ignore?: string | string[];
  dispatch?: Array<{
    workflow: string;
    ref?: string;
    "per-component"?: boolean;
    inputs?: Record<string, string | number | boolean>;
  }>;
}

const DAY_MS = 86_400_000;

/** Reads `.github/train.yml`; every mistake in it is reported at once, each at its line and column. */
export function parseTrainConfig(path: string, text: string): TrainConfig {
  const { data } = loadYamlConfig<RawConfig>(path, text, TRAIN_SCHEMA, checkConfig);
  const list = (value: string | string[] | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  const schedule = data.schedule;
  const waitFor = data["wait-for"];
  return {
    file: path,
    schedule: {
      anchor: schedule.anchor,
      periodDays: periodDays(schedule.every) as number,
      at: schedule.at ?? "16:00",
      timezone: schedule.timezone ?? "UTC",
      catchUpMs: parseDuration(schedule["catch-up"] ?? "2d") as number,
      freeze: list(data.freeze).map((entry) => parseFreeze(entry) as FreezeWindow),
    },
    emptyTrain: data["empty-train"] ?? "skip",
    mode: data.mode ?? "tag",
    markerPrefix: data["marker-prefix"] ?? "train/",
    preOne: data["pre-1.0"] ?? "cargo",
    releaseCandidates: data["release-candidates"] ?? "refuse",
    releaseNotes: data["release-notes"] ?? "commits",
    bootstrap: data.bootstrap,
    pendingRelease: data["pending-release"] ?? "wait",
    releaseName: data["release-name"] ?? "{tag}",
    tagMessage: data["tag-message"] ?? "Release {tag}",
    changelog: data.changelog ?? false,
    kinds: data.kinds
      ? Object.fromEntries(Object.entries(data.kinds).map(([kind, globs]) => [kind, list(globs)]))
      : DEFAULT_KINDS,
    commit: {
      subject: data.commit?.subject ?? DEFAULT_COMMIT.subject,
      branch: data.commit?.branch ?? DEFAULT_COMMIT.branch,
      author: data.commit?.author ?? DEFAULT_COMMIT.author,
      signoff: data.commit?.signoff ?? false,
    },
    assets: { attach: data.assets?.attach ?? "now", bundles: data.assets?.bundles ?? "optional" },
    waitFor: waitFor && {
      checks: list(waitFor.checks),
      timeoutMs: parseDuration(waitFor.timeout ?? "1h") as number,
      pollIntervalMs: parseDuration(waitFor["poll-interval"] ?? "30s") as number,
    },
    components: (data.components ?? []).map((item) => ({
      path: normalisePath(item.path),
      name: item.name,
      kind: item.kind,
      tagPrefix: item["tag-prefix"],
      skip: item.skip ?? false,
      extraTags: list(item["extra-tags"]),
      assets: list(item.assets),
    })),
    versionFiles: (data["version-files"] ?? []).map((item) => ({
      path: normalisePath(item.path),
      keys: list(item.keys),
      component: item.component,
    })),
    shared: (data.shared ?? []).map((item) => ({
      paths: list(item.paths),
      affects: list(item.affects),
    })),
    ignore: data.ignore === undefined ? [...DEFAULT_IGNORE] : list(data.ignore),
    dispatch: (data.dispatch ?? []).map((item) => ({
      workflow: item.workflow,
      ref: item.ref,
      perComponent: item["per-component"] ?? false,
      inputs: Object.fromEntries(
        Object.entries(item.inputs ?? {}).map(([key, value]) => [key, String(value)]),
      ),
    })),
  };
}

/** What the schema cannot say: real dates, whole days, zones, windows, templates. */
function checkConfig(data: RawConfig, context: ConfigContext): void {
  const { schedule } = data;
  if (!isDate(schedule.anchor)) {
    context.problem(
      ["schedule", "anchor"],
      `schedule.anchor: is '${schedule.anchor}', not a date of the calendar; use one like 2026-05-05`,
    );
  }
  if (periodDays(schedule.every) === undefined) {
    const ms = typeof schedule.every === "string" ? parseDuration(schedule.every) : undefined;
    context.problem(
      ["schedule", "every"],
      `schedule.every: is '${schedule.every}'${ms === undefined || formatDuration(ms) === String(schedule.every) ? "" : ` (${formatDuration(ms)})`}; ` +
        "trains leave on whole days: use whole days or weeks such as 7d, 14d or 2w (at most ten years)",
    );
  }
  if (schedule.timezone !== undefined && !isTimeZone(schedule.timezone)) {
    context.problem(
      ["schedule", "timezone"],
      `schedule.timezone: is '${schedule.timezone}'; use an IANA zone such as UTC or Europe/Berlin`,
    );
  }
  const catchUp = schedule["catch-up"];
  const catchUpMs = catchUp === undefined ? undefined : parseDuration(catchUp);
  if (catchUpMs !== undefined && catchUpMs < MIN_CATCH_UP_MS) {
    context.problem(
      ["schedule", "catch-up"],
      `schedule.catch-up: is '${catchUp}'; scheduled runs often start an hour or more late, ` +
        "and a shorter window would call them missed: use at least 1h, such as 12h or 2d",
    );
  }
  const freeze = data.freeze === undefined ? [] : [data.freeze].flat();
  freeze.forEach((entry, index) => {
    if (parseFreeze(entry)) return;
    context.problem(
      Array.isArray(data.freeze) ? ["freeze", index] : ["freeze"],
      `freeze: entry '${entry}' is not a date (2026-12-24) or a range (2026-12-21..2027-01-03)`,
    );
  });
  checkTemplates(data, context);
}

function checkTemplates(data: RawConfig, context: ConfigContext): void {
  const check = (path: (string | number)[], text: string | undefined, refName = false) => {
    if (text === undefined) return;
    const problem = templateProblem(text, { refName });
    const where = path
      .map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`))
      .join("")
      .slice(1);
    if (problem) context.problem(path, `${where}: is '${text}'; ${problem}`);
  };
  check(["release-name"], data["release-name"]);
  check(["tag-message"], data["tag-message"]);
  check(["commit", "subject"], data.commit?.subject);
  check(["commit", "branch"], data.commit?.branch, true);
  (data.components ?? []).forEach((component, index) => {
    [component["extra-tags"] ?? []].flat().forEach((tag, at) => {
      check(
        [
          "components",
          index,
          "extra-tags",
          ...(Array.isArray(component["extra-tags"]) ? [at] : []),
        ],
        tag,
        true,
      );
    });
  });
}

/** Whole days of a period (a bare number is days, as the train always read it). */
function periodDays(every: string | number): number | undefined {
  if (typeof every === "number") {
    return Number.isSafeInteger(every) && every >= 1 && every * DAY_MS <= MAX_DURATION_MS
      ? every
      : undefined;
  }
  if (/^\d+$/.test(every.trim())) return periodDays(Number(every));
  const ms = parseDuration(every);
  if (ms === undefined || ms < DAY_MS || ms % DAY_MS !== 0) return undefined;
  return ms / DAY_MS;
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseFreeze(text: string): FreezeWindow | undefined {
  const [from = "", to = from, ...rest] = text.split("..").map((part) => part.trim());
  if (rest.length > 0 || !isDate(from) || !isDate(to) || to < from) return undefined;
  return { from, to };
}

function normalisePath(path: string): string {
  const trimmed = path.replace(/^\.\/+/, "").replace(/\/+$/, "");
  return trimmed === "." ? "" : trimmed;
}
