import { isDeepStrictEqual } from "node:util";
import { parse as parseToml } from "smol-toml";
import { ManifestEditError, setJsonString } from "./manifests.ts";

export interface VersionChange {
  from: string;
  to: string;
}

interface LockPackage {
  name: string;
  version: string;
  source?: string;
  dependencies?: string[];
  [key: string]: unknown;
}

/**
 * Moves the Cargo.lock entries of the bumped local packages (those without a `source`) to their
 * new versions, with the `"name version"` references to them, and touches nothing else.
 */
export function updateCargoLock(text: string, bumped: ReadonlyMap<string, VersionChange>): string {
  const blocks = text.split(/(?=^\[\[package\]\]$)/m);
  const updated = blocks.map((block) => {
    let result = block;
    const name = /^name = "([^"]+)"$/m.exec(block)?.[1];
    const change = name === undefined ? undefined : bumped.get(name);
    if (change && !/^source = /m.test(block)) {
      result = result.replace(/^version = "[^"]*"$/m, `version = "${change.to}"`);
    }
    for (const [dependency, { from, to }] of bumped) {
      result = result.split(`"${dependency} ${from}"`).join(`"${dependency} ${to}"`);
    }
    return result;
  });
  const after = updated.join("");
  checkCargoLockChange(text, after, bumped);
  return after;
}

/**
 * The bumped crates this Cargo.lock holds as local packages (no `source`) at their old version:
 * a lock file of another workspace (an example's own) that reaches them by path, and must move
 * with them or `cargo build --locked` fails there.
 */
export function localPackagesIn(
  text: string,
  bumped: ReadonlyMap<string, VersionChange>,
): Map<string, VersionChange> {
  const found = new Map<string, VersionChange>();
  for (const block of text.split(/(?=^\[\[package\]\]$)/m)) {
    const name = /^name = "([^"]+)"$/m.exec(block)?.[1];
    const change = name === undefined ? undefined : bumped.get(name);
    const version = /^version = "([^"]*)"$/m.exec(block)?.[1];
    if (name && change && version === change.from && !/^source = /m.test(block)) {
      found.set(name, change);
    }
  }
  return found;
}

/**
 * Refuses a Cargo.lock change that reaches beyond the bumped members: any added, removed or
 * altered entry other than a bumped member's version (or a reference to one) is an error.
 */
export function checkCargoLockChange(
  before: string,
  after: string,
  bumped: ReadonlyMap<string, VersionChange>,
  path = "Cargo.lock",
): void {
  const packages = (text: string) =>
    JSON.parse(JSON.stringify(parseToml(text).package ?? [])) as LockPackage[];
  const old = packages(before);
  const now = packages(after);
  if (old.length !== now.length) {
    throw new ManifestEditError(
      `${path}: the release would change the number of locked packages (${old.length} → ${now.length})`,
    );
  }
  const unexpected: string[] = [];
  old.forEach((entry, index) => {
    const next = now[index] as LockPackage;
    const change = bumped.get(entry.name);
    const expected: LockPackage = {
      ...entry,
      version: change && entry.source === undefined ? change.to : entry.version,
      ...(entry.dependencies
        ? {
            dependencies: entry.dependencies.map((reference) => renameReference(reference, bumped)),
          }
        : {}),
    };
    if (!isDeepStrictEqual(expected, next)) unexpected.push(`${entry.name} ${entry.version}`);
  });
  if (unexpected.length > 0) {
    throw new ManifestEditError(
      `${path}: entries outside the bumped members would change: ${unexpected.join(", ")}`,
    );
  }
}

function renameReference(reference: string, bumped: ReadonlyMap<string, VersionChange>): string {
  const [name = "", version, ...rest] = reference.split(" ");
  const change = bumped.get(name);
  if (change && version === change.from) return [name, change.to, ...rest].join(" ");
  return reference;
}

/** Sets the versions of bumped workspace members (and the root) in a package-lock.json. */
export function updateNpmLock(
  text: string,
  members: ReadonlyArray<{ memberPath: string; version: string }>,
  path = "package-lock.json",
): string {
  let result = text;
  const lock = JSON.parse(text) as { packages?: Record<string, { version?: string }> };
  for (const { memberPath, version } of members) {
    if (
      memberPath === "" &&
      typeof (JSON.parse(result) as { version?: unknown }).version === "string"
    ) {
      result = setJsonString(result, ["version"], version, path);
    }
    if (lock.packages?.[memberPath]?.version !== undefined) {
      result = setJsonString(result, ["packages", memberPath, "version"], version, path);
    }
  }
  return result;
}
