import { ConfigurationError } from "../core/errors.ts";
import type { GitHistory } from "./context.ts";
import {
  compareRuns,
  parseStoredRun,
  preferredRun,
  type RunMetadata,
  type StoredRun,
} from "./history.ts";
import type { BaseDescription } from "./report.ts";
import type { ObjectStore, OpenedStore } from "./store.ts";

/** Every stored main-history run's key, by commit, found from keys alone (oldest first). */
export async function storedCommits(
  store: ObjectStore,
  prefix: string,
): Promise<Map<string, string[]>> {
  const keys = await store.list(`${prefix}runs/`);
  const byCommit = new Map<string, string[]>();
  for (const key of keys) {
    const commit = key.slice(prefix.length).split("/")[2];
    if (!commit || !key.endsWith(".json")) continue;
    byCommit.set(commit, [...(byCommit.get(commit) ?? []), key]);
  }
  return byCommit;
}

export async function loadRun(store: ObjectStore, key: string): Promise<StoredRun> {
  const text = await store.get(key);
  if (text === undefined) throw new ConfigurationError(`${store.description}: no object ${key}`);
  return parseStoredRun(text, key);
}

/**
 * The run of a commit to compare with: the one from the same job and matrix leg when there is one
 * (legs measure different machines or shards), else the same machine, else the newest. Unsound
 * stored runs are passed over.
 */
export async function runAt(
  store: ObjectStore,
  keys: readonly string[],
  like: Pick<RunMetadata, "job" | "matrixLeg" | "machine">,
): Promise<StoredRun | undefined> {
  return preferredRun(await soundRuns(store, keys), like);
}

/** The runs under these keys that are sound; the others are passed over. */
async function soundRuns(store: ObjectStore, keys: readonly string[]): Promise<StoredRun[]> {
  const runs: StoredRun[] = [];
  for (const key of keys) {
    try {
      runs.push(await loadRun(store, key));
    } catch (thrown) {
      if (!(thrown instanceof ConfigurationError)) throw thrown;
    }
  }
  return runs;
}

/**
 * A pull request's base: the stored run at the merge base, or at the nearest earlier commit on the
 * base branch that has one, said explicitly.
 */
export async function findBase(
  storage: OpenedStore | undefined,
  git: GitHistory,
  baseRef: string,
  head: RunMetadata,
): Promise<{ base: StoredRun | undefined; description: BaseDescription }> {
  const none = { commit: null, mergeBase: null, distance: 0, url: null };
  if (!storage) return { base: undefined, description: none };
  const mergeBase = await git.mergeBase(baseRef, head.commit);
  const stored = await storedCommits(storage.store, storage.prefix);
  const ancestors = await git.firstParents(mergeBase, 500);
  for (const [distance, commit] of ancestors.entries()) {
    const keys = stored.get(commit);
    const base = keys && (await runAt(storage.store, keys, head));
    if (base) return { base, description: { commit, mergeBase, distance, url: base.run.url } };
  }
  return { base: undefined, description: { ...none, mergeBase } };
}

/**
 * The run a push is compared with: the nearest first-parent ancestor with a stored run, or, when
 * the checkout is too shallow to say, the newest stored run of the same branch before this one.
 */
export async function previousRunOnBranch(
  store: ObjectStore,
  prefix: string,
  git: GitHistory,
  run: RunMetadata,
): Promise<StoredRun | undefined> {
  const stored = await storedCommits(store, prefix);
  const ancestors = (await git.firstParents(run.commit, 500).catch(() => [run.commit])).slice(1);
  for (const commit of ancestors) {
    const keys = stored.get(commit);
    const previous = keys && (await runAt(store, keys, run));
    if (previous) return previous;
  }
  // Keys sort by date, then by SHA: within a day the order says nothing, so the runs of the newest
  // days are read whole (at least 20 commits' worth) and the newest by timestamp wins.
  const byDate = new Map<string, string[][]>();
  for (const [commit, keys] of stored) {
    if (commit === run.commit) continue;
    const date = keys[0]?.slice(prefix.length).split("/")[1] ?? "";
    byDate.set(date, [...(byDate.get(date) ?? []), keys]);
  }
  const candidates: string[][] = [];
  for (const date of [...byDate.keys()].sort().reverse()) {
    if (candidates.length >= 20) break;
    candidates.push(...(byDate.get(date) ?? []));
  }
  let newest: StoredRun | undefined;
  for (const keys of candidates) {
    const candidate = await runAt(store, keys, run);
    if (
      candidate &&
      candidate.run.ref === run.ref &&
      candidate.run.timestamp < run.timestamp &&
      (!newest || candidate.run.timestamp > newest.run.timestamp)
    ) {
      newest = candidate;
    }
  }
  return newest;
}

/** Newest stored run of a pull request (`pulls/<n>/`). */
export async function pullRequestRun(store: ObjectStore, prefix: string, number: number) {
  const keys = (await store.list(`${prefix}pulls/${number}/`)).filter((key) =>
    key.endsWith(".json"),
  );
  return (await soundRuns(store, keys)).sort(compareRuns).pop();
}

/** The one stored commit a full or abbreviated SHA names; an ambiguous prefix is an error. */
export function commitByPrefix(
  stored: ReadonlyMap<string, readonly string[]>,
  reference: string,
  flag: string,
): string | undefined {
  if (!/^[0-9a-f]{4,64}$/i.test(reference)) return undefined;
  const matches = [...stored.keys()].filter((commit) => commit.startsWith(reference.toLowerCase()));
  if (matches.length > 1) {
    throw new ConfigurationError(
      `${flag} '${reference}' matches ${matches.length} stored commits (${matches
        .slice(0, 5)
        .map((commit) => commit.slice(0, 12))
        .join(", ")}); give more of the SHA`,
    );
  }
  return matches[0];
}

/**
 * A stored run a person names on the command line: a commit SHA (short or full), `pr:<n>` (or
 * `#<n>`) for a pull request's newest run, or a branch or tag of the local checkout, whose
 * nearest first-parent ancestor with a stored run is used. `like` (the other side, when it is a
 * stored run) picks among a commit's runs the way the action does.
 */
export async function storedRunFor(
  storage: OpenedStore,
  git: GitHistory & { resolve(reference: string): Promise<string | undefined> },
  reference: string,
  flag: string,
  like: Pick<RunMetadata, "job" | "matrixLeg" | "machine"> = { machine: "" },
): Promise<StoredRun | undefined> {
  const { store, prefix } = storage;
  const pull = /^(?:pr:|#|pull\/)(\d+)$/i.exec(reference);
  if (pull) {
    const run = await pullRequestRun(store, prefix, Number(pull[1]));
    if (!run)
      throw new ConfigurationError(
        `${flag} '${reference}': no stored run of pull request #${pull[1]}`,
      );
    return run;
  }
  const stored = await storedCommits(store, prefix);
  const commit = commitByPrefix(stored, reference, flag);
  if (commit) return runAt(store, stored.get(commit) ?? [], like);
  const resolved = await git.resolve(reference);
  if (!resolved) return undefined;
  const ancestors = await git.firstParents(resolved, 500);
  for (const ancestor of ancestors) {
    const keys = stored.get(ancestor);
    const run = keys && (await runAt(store, keys, like));
    if (run) return run;
  }
  throw new ConfigurationError(
    `${flag} '${reference}' is ${resolved.slice(0, 12)}, but neither it nor its ${ancestors.length - 1} first-parent ancestors have a stored run`,
  );
}
