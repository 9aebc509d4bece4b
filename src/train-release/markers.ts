import { ConfigurationError } from "../core/errors.ts";
import type { ComponentKind } from "./config.ts";

/** Why a train left (or did not): the `reason` output. */
export type Reason =
  | "scheduled"
  | "caught-up"
  | "forced"
  | "resumed"
  | "not-due"
  | "missed"
  | "frozen"
  | "no-changes"
  | "already-departed"
  | "dry-run"
  | "awaiting-merge";

/** One component of a departed train, as the marker records it. */
export interface RecordedComponent {
  name: string;
  path: string;
  kind: ComponentKind;
  previous: string | null;
  previousTag: string | null;
  version: string;
  tag: string;
  /** Tags that name this release only (`runtime-operator/v2.1.0`). */
  extraTags: string[];
  /** Tags moved to each new release (`v2`, `v2.1`); never for a pre-release. */
  floatingTags: string[];
  /** Globs of files attached before the release is published. */
  assets: string[];
}

/**
 * What the departure marker tag records: the whole plan, decided before anything was written, so
 * any later run (a re-run, the next cron fire, a dispatch) finishes exactly this train and a racing
 * run reports it. Markers written before these fields existed carry only `versions`.
 */
export interface MarkerRecord {
  slot: string;
  cutoff: string;
  /** Dates the release commit, so a rerun rebuilds the very same commit. */
  departsAt?: string;
  run: string;
  attempt?: number;
  reason: Reason;
  versions: Record<string, string>;
  /** The release commit (the cutoff itself when no file changes), and its subject. */
  release?: string;
  subject?: string;
  mode?: "tag" | "pull-request";
  /** The branch of the release pull request (pull-request mode, or a bring-back in tag mode). */
  branch?: string;
  components?: RecordedComponent[];
  /**
   * The marker of the train this one follows (null: the first train). Only one train may follow
   * it: the succession lock (`<prefix>after/<its slot>`) says which.
   */
  after?: string | null;
  /** `later`: the drafts wait for the attach step of later jobs before they are published. */
  attach?: "now" | "later";
}

export interface Marker {
  /** The tag's name, `train/2026-12-01`. */
  tag: string;
  record: MarkerRecord;
}

/** Where markers are read from: the API, or only this clone's tags (the CLI). */
export interface MarkerSource {
  /** Tag names under a prefix. */
  listTags(prefix: string): Promise<string[]>;
  /** An annotated tag's message, when the tag exists. */
  tagMessage(name: string): Promise<string | undefined>;
}

export function markerName(prefix: string, slot: string): string {
  return `${prefix}${slot}`;
}

/** Parses a marker's message; undefined when the tag is not one of this train's markers. */
export function parseMarker(message: string | undefined): MarkerRecord | undefined {
  try {
    const record = JSON.parse(message ?? "") as MarkerRecord;
    if (typeof record.cutoff === "string" && typeof record.run === "string") return record;
  } catch {
    // not a marker
  }
  return undefined;
}

export function readMarker(message: string | undefined, marker: string): MarkerRecord {
  const record = parseMarker(message);
  if (record) return record;
  throw new ConfigurationError(
    `tag ${marker} exists but is not a departure marker of this train (no record in its message); ` +
      "delete it or change marker-prefix",
  );
}

/**
 * Every departure marker, oldest departure first. Messages come from this clone's tags when it has
 * them (actions/checkout with fetch-depth 0 fetches every tag) and from the source otherwise, so a
 * run spends one request on the list and one per marker made since its checkout.
 */
export async function readMarkers(
  source: MarkerSource,
  local: ReadonlyMap<string, string>,
  prefix: string,
): Promise<Marker[]> {
  const markers: Marker[] = [];
  for (const tag of await source.listTags(prefix)) {
    // Succession locks (`<prefix>after/...`) name a marker; they are not one.
    if (tag.startsWith(`${prefix}after/`)) continue;
    // A clone's tag of the name that holds no record (lightweight, made by hand) is not GitHub's.
    const record = parseMarker(local.get(tag)) ?? parseMarker(await source.tagMessage(tag));
    if (record) markers.push({ tag, record });
  }
  const when = (marker: Marker) => marker.record.departsAt ?? `${marker.record.slot}T99`;
  return markers.sort((a, b) => when(a).localeCompare(when(b)) || a.tag.localeCompare(b.tag));
}

/** The markers' component tags: releases the train made, wherever their commits are. */
export function trainTags(markers: readonly Marker[]): Set<string> {
  return new Set(
    markers.flatMap((marker) => (marker.record.components ?? []).map((item) => item.tag)),
  );
}
