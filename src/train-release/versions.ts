import semver from "semver";
import { ConfigurationError } from "../core/errors.ts";
import type { Bump } from "./conventional.ts";

export interface ReleasedTag {
  tag: string;
  version: string;
}

/**
 * The highest version among tags that are exactly `prefix` + a semantic version, compared as
 * semver: `v2.10.0 > v2.9.0`, `rc.10 > rc.2`, `2.1.0 > 2.1.0-rc.3`, where git's sort is wrong.
 */
export function latestTag(tags: Iterable<string>, prefix: string): ReleasedTag | undefined {
  let best: ReleasedTag | undefined;
  for (const tag of tags) {
    if (!tag.startsWith(prefix)) continue;
    const version = tag.slice(prefix.length);
    if (semver.valid(version) !== version) continue;
    if (!best || semver.gt(version, best.version)) best = { tag, version };
  }
  return best;
}

export function sortTags(tags: Iterable<string>, prefix: string): string[] {
  return [...tags]
    .filter(
      (tag) =>
        tag.startsWith(prefix) &&
        semver.valid(tag.slice(prefix.length)) === tag.slice(prefix.length),
    )
    .sort((a, b) => semver.compare(a.slice(prefix.length), b.slice(prefix.length)));
}

export type PreOnePolicy = "cargo" | "semver";
export type CandidatePolicy = "refuse" | "next-rc" | "finalize";

/**
 * The bump a version actually takes. Cargo treats the leftmost non-zero part as major: before
 * 1.0 a breaking change bumps the minor and a feature the patch, and 0.0.x only ever moves patch.
 */
export function effectiveBump(current: string, bump: Bump, policy: PreOnePolicy): Bump {
  if (bump === "none" || policy === "semver") return bump;
  const parsed = semver.parse(current);
  if (!parsed || parsed.major > 0) return bump;
  if (parsed.minor === 0) return "patch";
  if (bump === "major") return "minor";
  if (bump === "minor") return "patch";
  return bump;
}

export interface NextVersion {
  version: string;
  /** What decided it, in the plan's words. */
  how: Bump | "manual" | "initial" | "next-rc" | "finalize" | "exact" | "rc";
}

/** A component that cannot take a version now, and why (its release candidate is in flight). */
export interface BlockedVersion {
  blocked: string;
}

/** What `bump` asks of every changed component: a level, or `rc` for a release candidate. */
export type ManualBump = Exclude<Bump, "none"> | "rc";

/**
 * The next version from a released one; release candidates follow the configured policy. A
 * candidate in flight under `refuse` blocks this component only: the others still leave.
 */
export function nextVersion(
  component: string,
  previous: string,
  bump: ManualBump,
  options: { preOne: PreOnePolicy; candidates: CandidatePolicy },
): NextVersion | BlockedVersion {
  const parsed = semver.parse(previous);
  if (!parsed) throw new Error(`${component}: '${previous}' is not a semantic version`);
  if (bump === "rc") return nextCandidate(parsed);
  if (parsed.prerelease.length > 0) return nextFromCandidate(component, parsed, options.candidates);
  const applied = effectiveBump(previous, bump, options.preOne);
  return { version: semver.inc(previous, applied as semver.ReleaseType) as string, how: applied };
}

/** `bump: rc`: from a release, the next minor's first candidate; from a candidate, the next one. */
function nextCandidate(parsed: semver.SemVer): NextVersion {
  if (parsed.prerelease.length > 0) {
    return { version: semver.inc(parsed.version, "prerelease", "rc") as string, how: "rc" };
  }
  return { version: `${parsed.major}.${parsed.minor + 1}.0-rc.1`, how: "rc" };
}

function nextFromCandidate(
  component: string,
  parsed: semver.SemVer,
  policy: CandidatePolicy,
): NextVersion | BlockedVersion {
  const base = `${parsed.major}.${parsed.minor}.${parsed.patch}`;
  if (policy === "finalize") return { version: base, how: "finalize" };
  if (policy === "next-rc") {
    return { version: semver.inc(parsed.version, "prerelease") as string, how: "next-rc" };
  }
  return {
    blocked:
      `${component} has release candidate ${parsed.version} in flight and release-candidates is ` +
      `'refuse', so it stays; the other components leave. Dispatch the train with version ` +
      `${component}=${base} to finalize it, bump rc for the next candidate, or set ` +
      "release-candidates to 'next-rc' or 'finalize' in the train configuration",
  };
}

/** Checks a version given by hand (`version` input): plain semver, optionally a pre-release. */
export function exactVersion(text: string, label = "input 'version'"): string {
  const version = text.replace(/^v/, "");
  if (semver.valid(version) !== version || version.includes("+")) {
    throw new ConfigurationError(
      `${label} is '${text}'; use a semantic version such as 2.1.0 or 2.1.0-rc.1`,
    );
  }
  return version;
}

export function isPrerelease(version: string): boolean {
  return (semver.prerelease(version)?.length ?? 0) > 0;
}

export function isGreater(a: string, b: string): boolean {
  return semver.valid(a) !== null && semver.valid(b) !== null && semver.gt(a, b);
}
