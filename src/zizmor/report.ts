import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** zizmor's severities, least to most severe (the order `fail-on` and sorting use). */
export const SEVERITIES = ["unknown", "informational", "low", "medium", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const CONFIDENCES = ["unknown", "low", "medium", "high"] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Where a location lives: a file in the workspace, a file in another repository, or stdin. */
export type InputKey =
  | { kind: "local"; printedPath: string; path: string | undefined }
  | { kind: "remote"; repository: string; ref: string | undefined; path: string }
  | { kind: "stdin" };

export interface Span {
  /** 1-based, inclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface FindingLocation extends Span {
  key: InputKey;
  annotation: string;
  /** The YAML route (`jobs.build.steps[0].uses`): stable when lines move. */
  route: string;
  feature: string;
  /** The comments zizmor found on the lines of this location (where ignore comments are read). */
  comments: string[];
}

export interface Finding {
  audit: string;
  description: string;
  url: string | undefined;
  severity: Severity;
  confidence: Confidence;
  persona: string;
  ignored: boolean;
  primary: FindingLocation;
  related: FindingLocation[];
  /** Every location, hidden ones included: zizmor reads ignore comments on all of them. */
  locations: FindingLocation[];
  /** Why this finding deserves a second look (an ignore comment that did not count), plain text. */
  notes?: string[];
}

export class ReportFormatError extends Error {
  override readonly name = "ReportFormatError";
}

export interface PathContext {
  /** `GITHUB_WORKSPACE`: annotations need paths relative to it. */
  workspace: string;
  /** Where zizmor ran; its relative paths are relative to this. */
  cwd: string;
}

/**
 * Reads zizmor's `--format json-v1` output. Rows and columns there are 0-based; the findings here
 * are 1-based. The primary location is the one to annotate; hidden locations are kept only for
 * their comments (ignore comments count on every location).
 */
export function parseJsonV1(text: string, paths: PathContext): Finding[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (thrown) {
    throw new ReportFormatError(`not JSON (${(thrown as Error).message})`);
  }
  if (!Array.isArray(document)) {
    throw new ReportFormatError("not zizmor JSON v1: the top level is not an array of findings");
  }
  return document.map((entry, index) => parseFinding(entry, index, paths));
}

type Json = Record<string, unknown>;

function field(value: unknown, name: string, where: string): unknown {
  if (typeof value !== "object" || value === null || !(name in value)) {
    throw new ReportFormatError(`not zizmor JSON v1: ${where} has no '${name}'`);
  }
  return (value as Json)[name];
}

function text(value: unknown, name: string, where: string): string {
  const found = field(value, name, where);
  if (typeof found !== "string") {
    throw new ReportFormatError(`not zizmor JSON v1: ${where}.${name} is not a string`);
  }
  return found;
}

function count(value: unknown, name: string, where: string): number {
  const found = field(value, name, where);
  if (typeof found !== "number" || !Number.isInteger(found) || found < 0) {
    throw new ReportFormatError(`not zizmor JSON v1: ${where}.${name} is not a whole number`);
  }
  return found;
}

function choice<T extends string>(raw: string, allowed: readonly T[], where: string): T {
  const lowered = raw.toLowerCase();
  if ((allowed as readonly string[]).includes(lowered)) return lowered as T;
  throw new ReportFormatError(`not zizmor JSON v1: ${where} is '${raw}'`);
}

function parseFinding(entry: unknown, index: number, paths: PathContext): Finding {
  const where = `finding ${index + 1}`;
  const determinations = field(entry, "determinations", where);
  const rawLocations = field(entry, "locations", where);
  if (!Array.isArray(rawLocations)) {
    throw new ReportFormatError(`not zizmor JSON v1: ${where}.locations is not an array`);
  }
  const located = rawLocations.map((raw, at) => ({
    kind: text(field(raw, "symbolic", `${where}.locations[${at}]`), "kind", `${where} location`),
    location: parseLocation(raw, `${where}.locations[${at}]`, paths),
  }));
  const primary =
    located.find((candidate) => candidate.kind === "Primary") ??
    located.find((candidate) => candidate.kind !== "Hidden") ??
    located[0];
  if (!primary) throw new ReportFormatError(`not zizmor JSON v1: ${where} has no location`);
  const url = (entry as Json).url;
  return {
    audit: text(entry, "ident", where),
    description: text(entry, "desc", where),
    url: typeof url === "string" && url ? url : undefined,
    severity: choice(text(determinations, "severity", where), SEVERITIES, `${where} severity`),
    confidence: choice(
      text(determinations, "confidence", where),
      CONFIDENCES,
      `${where} confidence`,
    ),
    persona:
      typeof (determinations as Json).persona === "string"
        ? ((determinations as Json).persona as string)
        : "Regular",
    ignored: (entry as Json).ignored === true,
    primary: primary.location,
    related: located
      .filter((candidate) => candidate !== primary && candidate.kind === "Related")
      .map((candidate) => candidate.location),
    locations: located.map((candidate) => candidate.location),
  };
}

function parseLocation(raw: unknown, where: string, paths: PathContext): FindingLocation {
  const symbolic = field(raw, "symbolic", where);
  const concrete = field(raw, "concrete", where);
  const location = field(concrete, "location", `${where}.concrete`);
  const start = field(location, "start_point", `${where}.concrete.location`);
  const end = field(location, "end_point", `${where}.concrete.location`);
  const feature = (concrete as Json).feature;
  const annotation = (symbolic as Json).annotation;
  const comments = (concrete as Json).comments;
  return {
    key: parseKey(field(symbolic, "key", `${where}.symbolic`), `${where}.symbolic.key`, paths),
    annotation: typeof annotation === "string" ? annotation : "",
    route: routeText((symbolic as Json).route),
    feature: typeof feature === "string" ? feature : "",
    comments: Array.isArray(comments)
      ? comments.filter((comment): comment is string => typeof comment === "string")
      : [],
    ...toSpan(
      { row: count(start, "row", where), column: count(start, "column", where) },
      { row: count(end, "row", where), column: count(end, "column", where) },
    ),
  };
}

/**
 * 0-based points to a 1-based inclusive span. An end at column 0 of a later row is the end of the
 * row before it, so a span that runs to the end of the file does not point past its last line.
 */
export function toSpan(
  start: { row: number; column: number },
  end: { row: number; column: number },
): Span {
  const line = start.row + 1;
  const column = start.column + 1;
  if (end.row > start.row && end.column === 0) {
    return { line, column, endLine: end.row, endColumn: column };
  }
  const endLine = Math.max(line, end.row + 1);
  const endColumn = endLine === line ? Math.max(column, end.column) : Math.max(1, end.column);
  return { line, column, endLine, endColumn };
}

/** Caps a span at the file's last line (zizmor can point one line past a file's end). */
export function capSpan(span: Span, lineCount: number): Span {
  if (lineCount < 1 || span.endLine <= lineCount) return span;
  const line = Math.min(span.line, lineCount);
  return { ...span, line, endLine: lineCount, endColumn: line === lineCount ? span.column : 1 };
}

/**
 * Caps every location at the end of its file when the file's length is known (`lineCount`
 * returns undefined for files it cannot read), so no annotation points past a file's last line.
 */
export function capToFiles(
  findings: readonly Finding[],
  lineCount: (path: string) => number | undefined,
): Finding[] {
  const cap = (location: FindingLocation): FindingLocation => {
    if (location.key.kind !== "local" || location.key.path === undefined) return location;
    const lines = lineCount(location.key.path);
    return lines === undefined ? location : { ...location, ...capSpan(location, lines) };
  };
  return findings.map((finding) => ({
    ...finding,
    primary: cap(finding.primary),
    related: finding.related.map(cap),
    locations: finding.locations.map(cap),
  }));
}

function parseKey(raw: unknown, where: string, paths: PathContext): InputKey {
  if (raw === "Stdin" || (typeof raw === "object" && raw !== null && "Stdin" in raw)) {
    return { kind: "stdin" };
  }
  if (typeof raw === "object" && raw !== null && "Local" in raw) {
    const local = (raw as Json).Local as Json;
    const printed = local?.verbatim_path ?? local?.given_path;
    if (typeof printed !== "string") {
      throw new ReportFormatError(`not zizmor JSON v1: ${where}.Local has no path`);
    }
    return { kind: "local", printedPath: printed, path: workspacePath(printed, paths) };
  }
  if (typeof raw === "object" && raw !== null && "Remote" in raw) {
    const remote = (raw as Json).Remote as Json;
    const slug = (remote?.slug ?? {}) as Json;
    return {
      kind: "remote",
      repository: `${String(slug.owner ?? "?")}/${String(slug.repo ?? "?")}`,
      ref: typeof slug.git_ref === "string" ? slug.git_ref : undefined,
      path: String(remote?.path ?? ""),
    };
  }
  throw new ReportFormatError(`not zizmor JSON v1: ${where} is not Local, Remote or Stdin`);
}

/**
 * A path as zizmor printed it (`./x.yml`, `x.yml`, absolute) made relative to the workspace with
 * forward slashes; undefined when it lies outside the workspace (no annotation can point there).
 */
export function workspacePath(printed: string, paths: PathContext): string | undefined {
  const absolute = isAbsolute(printed) ? printed : resolve(paths.cwd, printed);
  const inside = relative(resolve(paths.workspace), absolute);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) return undefined;
  return inside.split(sep).join("/");
}

function routeText(raw: unknown): string {
  const steps = (raw as Json | undefined)?.route;
  if (!Array.isArray(steps)) return "";
  let route = "";
  for (const step of steps as Json[]) {
    if (typeof step?.Key === "string") route += route ? `.${step.Key}` : step.Key;
    else if (typeof step?.Index === "number") route += `[${step.Index}]`;
  }
  return route;
}

/**
 * Why findings cannot be shown where they are, when every finding in a local file lies outside
 * the workspace (zizmor ran on, or the report was made from, another folder): not one could be
 * annotated, and passing on that would be passing on nothing. Undefined when some are inside.
 */
export function outsideWorkspace(
  findings: readonly Finding[],
  workspace: string,
): string | undefined {
  const paths = findings.flatMap(({ primary: { key } }) => (key.kind === "local" ? [key] : []));
  if (paths.length === 0 || paths.some((key) => key.path !== undefined)) return undefined;
  const example = paths[0]?.printedPath ?? "";
  return (
    `all ${paths.length} findings are in files outside the workspace ${workspace} (such as ` +
    `${example}), so none can be annotated and nothing was gated; run zizmor on paths inside ` +
    "the workspace, or point the workspace at the folder it audited"
  );
}

/** Where a key is, in words, for the summary and for findings that cannot be annotated. */
export function describeKey(key: InputKey): string {
  if (key.kind === "stdin") return "(stdin)";
  if (key.kind === "remote") return `${key.repository}@${key.ref ?? "HEAD"}:${key.path}`;
  return key.path ?? key.printedPath;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function confidenceRank(confidence: Confidence): number {
  return CONFIDENCES.indexOf(confidence);
}

/** Line counts of workspace files, read once each; undefined for files that cannot be read. */
export function fileLines(workspace: string): (path: string) => number | undefined {
  const known = new Map<string, number | undefined>();
  return (path) => {
    if (!known.has(path)) {
      try {
        const text = readFileSync(join(workspace, path), "utf8");
        known.set(
          path,
          text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length,
        );
      } catch {
        known.set(path, undefined);
      }
    }
    return known.get(path);
  };
}
