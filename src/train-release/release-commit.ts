import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalGit } from "./git.ts";
import {
  localPackagesIn,
  updateCargoLock,
  updateNpmLock,
  type VersionChange,
} from "./lock-files.ts";
import {
  setJsonString,
  setTomlString,
  setYamlString,
  updatePathDependencies,
} from "./manifests.ts";
import { type NotesContext, withChangelogEntry } from "./notes.ts";
import type { ComponentPlan } from "./plan.ts";

/** A component's CHANGELOG.md, kept in the release commit when `changelog: true`. */
export const changelogPath = (plan: ComponentPlan) =>
  plan.path ? `${plan.path}/CHANGELOG.md` : "CHANGELOG.md";

/** Every file the release of these components may edit. */
export function filesToEdit(
  departing: readonly ComponentPlan[],
  cargoManifests: readonly string[] = [],
  changelog = false,
): string[] {
  const paths = departing.flatMap((plan) => [
    ...plan.component.fields.map((field) => field.path),
    ...plan.component.locks.map((lock) => lock.path),
    ...(changelog ? [changelogPath(plan)] : []),
  ]);
  paths.push(...cargoManifests);
  return [...new Set(paths)];
}

/** The new contents of every file the release changes, by path. */
export function releaseEdits(
  departing: readonly ComponentPlan[],
  read: (path: string) => string | undefined,
  cargoManifests: readonly string[] = [],
  changelog?: NotesContext & { date: string },
): Map<string, string> {
  const edited = new Map<string, string>();
  if (changelog) {
    for (const plan of departing) {
      const path = changelogPath(plan);
      edited.set(path, withChangelogEntry(edited.get(path) ?? read(path), plan, changelog));
    }
  }
  const current = (path: string) => {
    const text = edited.get(path) ?? read(path);
    if (text === undefined) throw new Error(`${path} is missing at the cutoff`);
    return text;
  };
  const cargoLocks = new Map<string, Map<string, VersionChange>>();
  const npmLocks = new Map<string, Array<{ memberPath: string; version: string }>>();
  for (const plan of departing) {
    for (const field of plan.component.fields) {
      const text = current(field.path);
      const next =
        field.format === "toml"
          ? setTomlString(text, field.key, plan.version, field.path)
          : field.format === "yaml"
            ? setYamlString(text, field.key, plan.version, field.path)
            : setJsonString(text, field.key.split("."), plan.version, field.path);
      edited.set(field.path, next);
    }
    for (const lock of plan.component.locks) {
      if (lock.format === "cargo") {
        const changes = cargoLocks.get(lock.path) ?? new Map<string, VersionChange>();
        for (const name of lock.packages)
          changes.set(name, { from: plan.component.version, to: plan.version });
        cargoLocks.set(lock.path, changes);
      } else {
        const members = npmLocks.get(lock.path) ?? [];
        for (const memberPath of lock.memberPaths)
          members.push({ memberPath, version: plan.version });
        npmLocks.set(lock.path, members);
      }
    }
  }
  const cratesChanged = new Map(
    departing
      .filter((plan) => plan.component.fields.some((field) => field.format === "toml"))
      .flatMap((plan) =>
        plan.component.packages.map(
          (name) => [name, { from: plan.component.version, to: plan.version }] as const,
        ),
      ),
  );
  const crates = new Map([...cratesChanged].map(([name, change]) => [name, change.to]));
  for (const path of cargoManifests) {
    if (/(^|\/)Cargo\.lock$/.test(path)) {
      // Any other lock file that holds a bumped crate by path moves with it.
      const reached = localPackagesIn(current(path), cratesChanged);
      if (reached.size > 0)
        cargoLocks.set(path, new Map([...reached, ...(cargoLocks.get(path) ?? [])]));
      continue;
    }
    edited.set(path, updatePathDependencies(current(path), crates));
  }
  for (const [path, changes] of cargoLocks)
    edited.set(path, updateCargoLock(current(path), changes));
  for (const [path, members] of npmLocks)
    edited.set(path, updateNpmLock(current(path), members, path));
  for (const [path, text] of edited) if (text === read(path)) edited.delete(path);
  return edited;
}

export interface CommitIdentity {
  name: string;
  email: string;
  /** Fixed to the slot's departure, so a rerun builds the very same commit (same SHA). */
  date: Date;
}

/**
 * Writes the release commit on top of the cutoff with git plumbing, leaving the working tree and
 * index alone. The same edits, parent, message and date always give the same SHA.
 */
export function writeReleaseCommit(
  git: LocalGit,
  cutoff: string,
  edits: ReadonlyMap<string, string>,
  message: string,
  identity: CommitIdentity,
): string {
  if (edits.size === 0) return cutoff;
  const scratch = mkdtempSync(join(tmpdir(), "train-index-"));
  const env = { GIT_INDEX_FILE: join(scratch, "index") };
  try {
    git.run(["read-tree", cutoff], { env });
    const paths = [...edits.keys()];
    const staged = paths.map((path, index) => {
      const file = join(scratch, `blob-${index}`);
      writeFileSync(file, edits.get(path) as string);
      return file;
    });
    const blobs = git
      .run(["hash-object", "-w", "--", ...staged])
      .trim()
      .split("\n");
    const modes = new Map(
      git
        .run(["ls-tree", "-z", cutoff, "--", ...paths])
        .split("\0")
        .filter(Boolean)
        .map((line) => [line.slice(line.indexOf("\t") + 1), line.split(" ")[0] as string]),
    );
    const index = paths.map((path, at) => `${modes.get(path) ?? "100644"} ${blobs[at]}\t${path}`);
    git.run(["update-index", "--index-info"], { input: `${index.join("\n")}\n`, env });
    const tree = git.run(["write-tree"], { env }).trim();
    const when = `${Math.floor(identity.date.getTime() / 1000)} +0000`;
    return git
      .run(["commit-tree", tree, "-p", cutoff, "-F", "-"], {
        input: message,
        env: {
          GIT_AUTHOR_NAME: identity.name,
          GIT_AUTHOR_EMAIL: identity.email,
          GIT_AUTHOR_DATE: when,
          GIT_COMMITTER_NAME: identity.name,
          GIT_COMMITTER_EMAIL: identity.email,
          GIT_COMMITTER_DATE: when,
        },
      })
      .trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The release commit's message: the subject, one line per bump, and with `signoff` a DCO
 * `Signed-off-by:` trailer for the commit's author (branch protection may require it).
 */
export function releaseMessage(
  subject: string,
  departing: readonly ComponentPlan[],
  signoff?: { name: string; email: string },
): string {
  const lines = departing.map(
    (plan) => `- ${plan.name} ${plan.previous ?? "(first release)"} -> ${plan.version}`,
  );
  const trailer = signoff ? `\nSigned-off-by: ${signoff.name} <${signoff.email}>\n` : "";
  return `${subject}\n\n${lines.join("\n")}\n${trailer}`;
}
