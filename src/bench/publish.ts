import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { ConfigurationError, describeThrown } from "../core/errors.ts";
import { mapConcurrently } from "../core/text.ts";
import { buildDashboardData, type DashboardSettings } from "./dashboard-data.ts";
import { parseStoredRun, runKey, type StoredRun } from "./history.ts";
import { atomically, ObjectExistsError, type ObjectStore } from "./store.ts";

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
        `${store.description}${key} already holds a different run with the same run id, attempt, job and matrix leg; set input 'matrix-leg' (or --matrix-leg) so each leg has its own`,
      );
    }
  }
  return key;
}

/** What an upload rebuilds the site with. */
export interface SitePublishing {
  assets: ReadonlyMap<string, string>;
  window: number;
  settings: DashboardSettings;
}

/**
 * Stores the run as a new immutable object and rebuilds the site, in one step of the store (one
 * commit on a git branch, retried from the new tip when another upload won the race). A failure
 * is an {@link UploadError} that says what was stored and what was not.
 */
export async function uploadRun(
  store: ObjectStore,
  prefix: string,
  stored: StoredRun,
  intoMainHistory: boolean,
  site: SitePublishing,
): Promise<{ key: string; report: UploadReport; skipped: SkippedRun[] }> {
  const report: UploadReport = { stored: [], notStored: [] };
  let key: string | undefined;
  let skipped: SkippedRun[] = [];
  try {
    await atomically(store, `bench: store run ${stored.run.commit.slice(0, 12)}`, async () => {
      report.stored.length = 0;
      report.notStored.length = 0;
      key = undefined;
      key = await storeRun(store, prefix, stored, intoMainHistory);
      report.stored.push(key);
      skipped = await publishSite(store, prefix, site.assets, site.window, report, site.settings);
    });
  } catch (thrown) {
    // A store that publishes in one step (a git branch's push) took none of what was written
    // before that step failed.
    if (store.atomically) report.notStored.unshift(...report.stored.splice(0));
    if (!key) report.notStored.push(`the run (${stored.results.length} results)`, `${prefix}site/`);
    throw new UploadError(thrown, report);
  }
  return { key: key as string, report, skipped };
}

/** A stored object that is not a sound run: left out of everything, and named. */
export interface SkippedRun {
  key: string;
  problem: string;
}

/**
 * Every stored run, main history and pull requests apart, read a few at a time. An object that is
 * not a sound run (hand-edited, truncated, hostile) is skipped and named, never fatal: one bad
 * object must not stop every later upload from rebuilding the site.
 */
export async function readRuns(store: ObjectStore, prefix: string) {
  const skipped: SkippedRun[] = [];
  const read = async (keys: string[]) => {
    const runs = await mapConcurrently(keys, 8, async (key) => {
      try {
        return parseStoredRun((await store.get(key)) ?? "", key);
      } catch (thrown) {
        if (!(thrown instanceof ConfigurationError)) throw thrown;
        skipped.push({ key, problem: thrown.message });
        return undefined;
      }
    });
    return runs.filter((run): run is StoredRun => run !== undefined);
  };
  const [mainKeys, pullKeys] = await Promise.all([
    store.list(`${prefix}runs/`),
    store.list(`${prefix}pulls/`),
  ]);
  const main = await read(mainKeys.filter(isRunObject));
  const pulls = await read(pullKeys.filter(isRunObject));
  skipped.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { main, pulls, keys: [...mainKeys, ...pullKeys], skipped };
}

function isRunObject(key: string): boolean {
  return key.endsWith(".json");
}

/** Site files (assets and data) by their path under the site root. */
export async function siteFiles(
  store: ObjectStore,
  prefix: string,
  assets: ReadonlyMap<string, string>,
  window: number,
  settings: DashboardSettings = {},
) {
  const runs = await readRuns(store, prefix);
  const data = buildDashboardData(runs.main, runs.pulls, window, settings);
  const files = new Map(assets);
  for (const [path, text] of data) files.set(`data/${path}`, text);
  return { files, keys: runs.keys, skipped: runs.skipped };
}

/**
 * Rebuilds `<prefix>site/` from what is stored. A run stored while this runs may have published
 * its own site before this one's older view lands on top of it, so after writing, the runs are
 * listed again and the site rebuilt until no run arrived meanwhile: then whatever lands later was
 * written by an upload that saw at least as much. Each extra round needs a new run, so this ends
 * once the concurrent uploads do.
 */
export async function publishSite(
  store: ObjectStore,
  prefix: string,
  assets: ReadonlyMap<string, string>,
  window: number,
  report: UploadReport,
  settings: DashboardSettings = {},
): Promise<SkippedRun[]> {
  let skipped: SkippedRun[] = [];
  for (;;) {
    const site = await siteFiles(store, prefix, assets, window, settings);
    const { files, keys } = site;
    skipped = site.skipped;
    // A run's data file depends on that run alone (its name is a hash of it): written once.
    const existing = new Set(await store.list(`${prefix}site/data/runs/`));
    const changed = [...files].filter(([path]) => !existing.has(`${prefix}site/${path}`));
    report.notStored.push(...changed.map(([path]) => `${prefix}site/${path}`));
    await mapConcurrently(changed, 8, async ([path, text]) => {
      const key = `${prefix}site/${path}`;
      await store.put(key, text);
      report.notStored.splice(report.notStored.indexOf(key), 1);
      if (!report.stored.includes(key)) report.stored.push(key);
    });
    const after = await Promise.all([store.list(`${prefix}runs/`), store.list(`${prefix}pulls/`)]);
    if (after.flat().join("\n") === keys.join("\n")) return skipped;
  }
}

/**
 * The dashboard's files written under a local directory (GitHub Pages, a web server). Every path
 * is checked to stay inside it, whatever a stored run held.
 */
export function writeSite(directory: string, files: ReadonlyMap<string, string>): void {
  const root = resolve(directory);
  for (const [path, text] of files) {
    const target = resolve(root, path);
    if (!target.startsWith(`${root}${sep}`) || path.includes("\0")) {
      throw new Error(`refusing to write '${path}' outside ${root}`);
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}
