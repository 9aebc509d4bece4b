import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from "yaml";
import { errorAt, parseYamlFile, type YamlFile } from "../core/yaml-file.ts";
import { type FreezeWindow, MIN_CATCH_UP_MS, type Schedule } from "./schedule.ts";

export type ComponentKind = "crate" | "example" | "package" | "group";
export const COMPONENT_KINDS: readonly ComponentKind[] = ["crate", "example", "package", "group"];

export interface ComponentOverride {
  path: string;
  name?: string;
  kind?: ComponentKind;
  tagPrefix?: string;
  /** Leave this manifest out of the train. */
  skip: boolean;
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
  components: ComponentOverride[];
  versionFiles: VersionFile[];
  shared: SharedInput[];
  ignore: string[];
  dispatch: WorkflowDispatch[];
}

export const DEFAULT_IGNORE = [".github/**"];

const TOP_KEYS = [
  "schedule",
  "freeze",
  "empty-train",
  "mode",
  "marker-prefix",
  "pre-1.0",
  "release-candidates",
  "release-notes",
  "bootstrap",
  "components",
  "version-files",
  "shared",
  "ignore",
  "dispatch",
] as const;

/** Reads `.github/train.yml`; every mistake is a ConfigurationError at its line and column. */
export function parseTrainConfig(path: string, text: string): TrainConfig {
  const file = parseYamlFile(path, text);
  const root = file.document.contents;
  if (!isMap(root)) throw errorAt(file, root, "the train configuration must be a mapping");
  const top = new Section(file, root, TOP_KEYS, "the configuration");
  const scheduleNode = top.required("schedule");
  return {
    file: path,
    schedule: parseSchedule(file, scheduleNode, top.get("freeze")),
    emptyTrain: top.choice("empty-train", ["skip", "always"], "skip"),
    mode: top.choice("mode", ["tag", "pull-request"], "tag"),
    markerPrefix: top.string("marker-prefix", "train/"),
    preOne: top.choice("pre-1.0", ["cargo", "semver"], "cargo"),
    releaseCandidates: top.choice(
      "release-candidates",
      ["refuse", "next-rc", "finalize"],
      "refuse",
    ),
    releaseNotes: top.choice("release-notes", ["commits", "github"], "commits"),
    bootstrap: top.optionalString("bootstrap"),
    components: listOf(file, top.get("components"), (node) => parseComponent(file, node)),
    versionFiles: listOf(file, top.get("version-files"), (node) => parseVersionFile(file, node)),
    shared: listOf(file, top.get("shared"), (node) => parseShared(file, node)),
    ignore: top.has("ignore") ? strings(file, top.get("ignore")) : [...DEFAULT_IGNORE],
    dispatch: listOf(file, top.get("dispatch"), (node) => parseDispatch(file, node)),
  };
}

function parseSchedule(file: YamlFile, node: Node, freezeNode: Node | undefined): Schedule {
  const section = new Section(
    file,
    node,
    ["anchor", "every", "at", "timezone", "catch-up"],
    "schedule",
  );
  const anchorNode = section.required("anchor");
  const anchor = scalarText(anchorNode);
  if (!isDate(anchor)) {
    throw errorAt(file, anchorNode, `schedule.anchor is '${anchor}'; use a date like 2026-05-05`);
  }
  const everyNode = section.required("every");
  const periodDays = parseDays(scalarText(everyNode));
  if (periodDays === undefined || periodDays < 1 || !Number.isInteger(periodDays)) {
    throw errorAt(
      file,
      everyNode,
      `schedule.every is '${scalarText(everyNode)}'; use whole days or weeks such as 7d, 14d or 2w`,
    );
  }
  const at = section.string("at", "16:00");
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(at)) {
    throw errorAt(file, section.get("at"), `schedule.at is '${at}'; use a 24-hour time like 16:00`);
  }
  const timezone = section.string("timezone", "UTC");
  if (!isTimeZone(timezone)) {
    throw errorAt(
      file,
      section.get("timezone"),
      `schedule.timezone is '${timezone}'; use an IANA zone such as UTC or Europe/Berlin`,
    );
  }
  const catchUpText = section.string("catch-up", "2d");
  const catchUpMs = parseDurationMs(catchUpText);
  if (catchUpMs === undefined) {
    throw errorAt(
      file,
      section.get("catch-up"),
      `schedule.catch-up is '${catchUpText}'; use a duration such as 12h, 2d or 1w`,
    );
  }
  if (catchUpMs < MIN_CATCH_UP_MS) {
    throw errorAt(
      file,
      section.get("catch-up"),
      `schedule.catch-up is '${catchUpText}'; scheduled runs often start an hour or more late, ` +
        "and a shorter window would call them missed: use at least 1h, such as 12h or 2d",
    );
  }
  const freeze = freezeNode
    ? strings(file, freezeNode).map((text, index) => {
        const window = parseFreeze(text);
        if (!window) {
          const item = isSeq(freezeNode) ? (freezeNode.items[index] as Node) : freezeNode;
          throw errorAt(
            file,
            item,
            `freeze entry '${text}' is not a date (2026-12-24) or a range (2026-12-21..2027-01-03)`,
          );
        }
        return window;
      })
    : [];
  return { anchor, periodDays, at, timezone, catchUpMs, freeze };
}

function parseComponent(file: YamlFile, node: Node): ComponentOverride {
  const section = new Section(
    file,
    node,
    ["path", "name", "kind", "tag-prefix", "skip"],
    "component",
  );
  return {
    path: normalisePath(scalarText(section.required("path"))),
    name: section.optionalString("name"),
    kind: section.has("kind") ? section.choice("kind", COMPONENT_KINDS, "crate") : undefined,
    tagPrefix: section.has("tag-prefix") ? section.string("tag-prefix", "") : undefined,
    skip: section.boolean("skip", false),
  };
}

function parseVersionFile(file: YamlFile, node: Node): VersionFile {
  const section = new Section(file, node, ["path", "keys", "component"], "version file");
  return {
    path: normalisePath(scalarText(section.required("path"))),
    keys: strings(file, section.required("keys")),
    component: scalarText(section.required("component")),
  };
}

function parseShared(file: YamlFile, node: Node): SharedInput {
  const section = new Section(file, node, ["paths", "affects"], "shared input");
  return {
    paths: strings(file, section.required("paths")),
    affects: strings(file, section.required("affects")),
  };
}

function parseDispatch(file: YamlFile, node: Node): WorkflowDispatch {
  const section = new Section(
    file,
    node,
    ["workflow", "ref", "per-component", "inputs"],
    "dispatch",
  );
  const inputsNode = section.get("inputs");
  const inputs: Record<string, string> = {};
  if (inputsNode !== undefined) {
    if (!isMap(inputsNode)) throw errorAt(file, inputsNode, "dispatch inputs must be a mapping");
    for (const pair of (inputsNode as YAMLMap<Node, Node>).items) {
      inputs[scalarText(pair.key)] = scalarText(pair.value);
    }
  }
  return {
    workflow: scalarText(section.required("workflow")),
    ref: section.optionalString("ref"),
    perComponent: section.boolean("per-component", false),
    inputs,
  };
}

/** A mapping whose keys are checked against the allowed ones, with typed readers. */
class Section {
  private readonly file: YamlFile;
  private readonly map: YAMLMap<Node, Node | null>;
  private readonly what: string;

  constructor(
    file: YamlFile,
    node: Node | null | undefined,
    keys: readonly string[],
    what: string,
  ) {
    if (!isMap(node)) throw errorAt(file, node, `${what} must be a mapping`);
    this.file = file;
    this.map = node as YAMLMap<Node, Node | null>;
    this.what = what;
    for (const pair of this.map.items) {
      const key = scalarText(pair.key);
      if (!keys.includes(key)) {
        throw errorAt(
          file,
          pair.key,
          `unknown key '${key}' in ${what}; valid keys: ${keys.join(", ")}`,
        );
      }
    }
  }

  private pair(key: string): Pair<Node, Node | null> | undefined {
    return this.map.items.find((pair) => scalarText(pair.key) === key);
  }

  has(key: string): boolean {
    return this.pair(key) !== undefined;
  }

  get(key: string): Node | undefined {
    return this.pair(key)?.value ?? undefined;
  }

  required(key: string): Node {
    const value = this.get(key);
    if (value === undefined) throw errorAt(this.file, this.map, `${this.what} needs '${key}'`);
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.get(key);
    return value === undefined ? undefined : scalarText(value);
  }

  string(key: string, fallback: string): string {
    return this.optionalString(key) ?? fallback;
  }

  boolean(key: string, fallback: boolean): boolean {
    const node = this.get(key);
    if (node === undefined) return fallback;
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    throw errorAt(this.file, node, `'${key}' is '${scalarText(node)}'; use true or false`);
  }

  choice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const node = this.get(key);
    if (node === undefined) return fallback;
    const value = scalarText(node);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw errorAt(
      this.file,
      node,
      `'${key}' is '${value}'; valid values are ${allowed.map((item) => `'${item}'`).join(", ")}`,
    );
  }
}

function scalarText(node: unknown): string {
  if (isScalar(node)) return String(node.value ?? "");
  return "";
}

function strings(file: YamlFile, node: Node | undefined): string[] {
  if (node === undefined) return [];
  if (isScalar(node)) return [scalarText(node)];
  if (!isSeq(node)) throw errorAt(file, node, "expected a list of strings");
  return node.items.map((item) => {
    if (!isScalar(item)) throw errorAt(file, item as Node, "expected a string");
    return scalarText(item);
  });
}

function listOf<T>(file: YamlFile, node: Node | undefined, parse: (item: Node) => T): T[] {
  if (node === undefined) return [];
  if (!isSeq(node)) throw errorAt(file, node, "expected a list");
  return node.items.map((item) => parse(item as Node));
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  return new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90m`, `36h`, `2d`, `1w`, `1d12h`; undefined when malformed. */
export function parseDurationMs(text: string): number | undefined {
  const value = text.trim();
  if (!/^(\d+[mhdw])+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([mhdw])/g)) {
    total += Number(amount) * (UNIT_MS[unit as string] as number);
  }
  return total;
}

export function parseDays(text: string): number | undefined {
  if (/^\d+$/.test(text.trim())) return Number(text);
  const ms = parseDurationMs(text);
  return ms === undefined ? undefined : ms / 86_400_000;
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
