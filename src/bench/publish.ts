import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigurationError, describeThrown } from "../core/errors.ts";
import { buildDashboardData, parseStoredRun, runKey, type StoredRun } from "./history.ts";
import { ObjectExistsError, type ObjectStore } from "./store.ts";

/** Where a run went and what did not make it, printed whether the upload succeeded or not. */
export interface UploadReport {
  stored: string[];
  notStored: string[];
}

export class UploadError extends Error {
  override readonly name = "UploadError";
  readonly report: UploadReport;

  constructor(cause: unknown, report: UploadReport) {
    super(`upload failed: ${describeThrown(cause)}\n${describeUpload(report)}`);
    this.report = report;
  }
}

export function describeUpload(report: UploadReport): string {
  const list = (keys: string[]) =>
    keys.length === 0 ? "  (none)" : keys.map((key) => `  ${key}`).join("\n");
  return `stored:\n${list(report.stored)}\nnot stored:\n${list(report.notStored)}`;
}

/**
 * Writes the run as a new immutable object. A retried step that finds its own identical object
 * already there is fine; a different object under the same key is refused, never replaced.
 */
export async function storeRun(
  store: ObjectStore,
  prefix: string,
  run: StoredRun,
  intoMainHistory: boolean,
): Promise<string> {
  const key = runKey(prefix, run.run, intoMainHistory);
  const body = `${JSON.stringify(run, null, 1)}\n`;
  try {
    await store.put(key, body, { immutable: true, contentType: "application/json" });
  } catch (thrown) {
    if (!(thrown instanceof ObjectExistsError)) throw thrown;
    if ((await store.get(key)) !== body) {
      throw new ConfigurationError(
        `${store.description}${key} already holds a different run with the same run id and attempt`,
      );
    }
  }
  return key;
}

/** Every stored run, main history and pull requests apart, read a few at a time. */
export async function readRuns(store: ObjectStore, prefix: string) {
  const read = async (keys: string[]) =>
    mapLimit(keys, 8, async (key) => parseStoredRun((await store.get(key)) ?? "", key));
  const [mainKeys, pullKeys] = await Promise.all([
    store.list(`${prefix}runs/`),
    store.list(`${prefix}pulls/`),
  ]);
  return {
    main: await read(mainKeys),
    pulls: await read(pullKeys),
    keys: [...mainKeys, ...pullKeys],
  };
}

/** Site files (assets and data) by their path under the site root. */
export async function siteFiles(
  store: ObjectStore,
  prefix: string,
  assets: ReadonlyMap<string, string>,
  window: number,
) {
  const runs = await readRuns(store, prefix);
  const data = buildDashboardData(runs.main, runs.pulls, window);
  const files = new Map(assets);
  for (const [path, text] of data) files.set(`data/${path}`, text);
  return { files, keys: runs.keys };
}

/**
 * Rebuilds `<prefix>site/` from what is stored. An upload that lands while this runs is caught by
 * listing again afterwards and rebuilding, so the last writer's index holds every run it saw.
 */
export async function publishSite(
  store: ObjectStore,
  prefix: string,
  assets: ReadonlyMap<string, string>,
  window: number,
  report: UploadReport,
): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const { files, keys } = await siteFiles(store, prefix, assets, window);
    // A run's data file depends on that run alone (its name is a hash of it): written once.
    const existing = new Set(await store.list(`${prefix}site/data/runs/`));
    const changed = [...files].filter(([path]) => !existing.has(`${prefix}site/${path}`));
    report.notStored.push(...changed.map(([path]) => `${prefix}site/${path}`));
    await mapLimit(changed, 8, async ([path, text]) => {
      const key = `${prefix}site/${path}`;
      await store.put(key, text);
      report.notStored.splice(report.notStored.indexOf(key), 1);
      if (!report.stored.includes(key)) report.stored.push(key);
    });
    const after = await Promise.all([store.list(`${prefix}runs/`), store.list(`${prefix}pulls/`)]);
    if (after.flat().length === keys.length) return;
  }
}

/** The newest stored main-history run of each commit, found from keys alone. */
export async function storedCommits(
  store: ObjectStore,
  prefix: string,
): Promise<Map<string, string>> {
  const keys = await store.list(`${prefix}runs/`);
  const newest = new Map<string, string>();
  for (const key of keys) {
    const commit = key.slice(prefix.length).split("/")[2];
    if (commit) newest.set(commit, key);
  }
  return newest;
}

export async function loadRun(store: ObjectStore, key: string): Promise<StoredRun> {
  const text = await store.get(key);
  if (text === undefined) throw new ConfigurationError(`${store.description}: no object ${key}`);
  return parseStoredRun(text, key);
}

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The dashboard's files written under a local directory (GitHub Pages, a web server). */
export function writeSite(directory: string, files: ReadonlyMap<string, string>): void {
  for (const [path, text] of files) {
    const target = join(directory, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
