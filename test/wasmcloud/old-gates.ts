import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { minimatch } from "minimatch";
import { parse } from "yaml";
import { CORPUS } from "./example.ts";

// What wasmCloud's eleven `gate` jobs intended to require on a pull request, read from the corpus
// with this file's own reading of its workflows (not the suite's `gate init`): each job in a gate's
// `needs`, when its `if:` lets it run on a pull request (the dorny/paths-filter group it reads, a
// label that forces it), the jobs it needs when it reads no filter itself, and the examples and
// templates matrices from their ITEMS and shared paths. The old gates' fail-open paths (a failed
// `changes`, a cancelled run) are not intentions and are left out.

interface CorpusJob {
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, string>;
  steps?: { uses?: string; with?: { filters?: string } }[];
}

/** When a job is intended to run on a pull request. */
export interface Intention {
  workflow: string;
  job: string;
  /** Globs of changed files that make it run; undefined: every change. */
  paths?: string[];
  /** Labels that make it run whatever changed. */
  labels: string[];
  /** false: it never runs on a pull request (main-only canaries, publishing). */
  onPullRequests: boolean;
}

const needsOf = (job: CorpusJob) =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

/** The groups of a dorny/paths-filter step: name → globs. */
function filterGroups(jobs: Record<string, CorpusJob>): Record<string, string[]> {
  const step = jobs.changes?.steps?.find((s) => s.uses?.startsWith("dorny/paths-filter@"));
  return step?.with?.filters ? (parse(step.with.filters) as Record<string, string[]>) : {};
}

function intention(
  workflow: string,
  id: string,
  jobs: Record<string, CorpusJob>,
  groups: Record<string, string[]>,
): Intention {
  const job = jobs[id] as CorpusJob;
  const condition = job.if ?? "";
  const labels = [...condition.matchAll(/labels\.\*\.name, '([^']+)'\)/g)].map(
    (m) => m[1] as string,
  );
  const group = /needs\.changes\.outputs\.(\w+) == 'true'/.exec(condition)?.[1];
  const mentionsPullRequests = /event_name == 'pull_request'/.test(condition);
  const mainOnly = /refs\/heads\/main|event_name == 'push'/.test(condition);
  if (mainOnly && !mentionsPullRequests && labels.length === 0) {
    return { workflow, job: id, labels, onPullRequests: false };
  }
  if (group !== undefined) {
    return { workflow, job: id, labels, onPullRequests: true, paths: groups[group] ?? [] };
  }
  // No filter of its own: it runs when the jobs it needs ran (the first that reads a filter).
  for (const need of needsOf(job)) {
    if (need === "changes" || !jobs[need]) continue;
    const inherited = intention(workflow, need, jobs, groups);
    if (inherited.paths !== undefined || !inherited.onPullRequests) {
      return { ...inherited, job: id, labels: [...new Set([...inherited.labels, ...labels])] };
    }
  }
  return { workflow, job: id, labels, onPullRequests: true };
}

/** The examples/templates matrix: a leg per item whose filter or shared paths a file matches. */
function matrixIntention(workflow: string, id: string, caller: CorpusJob): Intention {
  const items = JSON.parse(caller.with?.items ?? "[]") as { key: string; filter?: string }[];
  const shared = JSON.parse(caller.with?.["shared-paths"] ?? "[]") as string[];
  const root = caller.with?.["discovery-root"] as string;
  return {
    workflow,
    job: id,
    labels: [caller.with?.["canary-label"] as string],
    onPullRequests: true,
    paths: [...new Set(items.map((item) => `${root}/${item.filter ?? item.key}/**`)), ...shared],
  };
}

/** Every job the corpus's gate jobs wait for, with when it is intended to run on pull requests. */
export function oldGateIntentions(): Intention[] {
  const found: Intention[] = [];
  for (const name of readdirSync(join(CORPUS, "workflows")).sort()) {
    const workflow = `.github/workflows/${name}`;
    const { jobs } = parse(readFileSync(join(CORPUS, "workflows", name), "utf8")) as {
      jobs: Record<string, CorpusJob>;
    };
    if (!jobs.gate) continue;
    const groups = filterGroups(jobs);
    for (const id of needsOf(jobs.gate)) {
      if (id === "changes") continue; // the filter itself, replaced by the gate's own reading
      const job = jobs[id] as CorpusJob;
      const matrix = needsOf(job)
        .map((need) => jobs[need])
        .find((need) => need?.uses);
      found.push(
        id === "build" && matrix?.with?.items
          ? matrixIntention(workflow, id, matrix)
          : intention(workflow, id, jobs, groups),
      );
    }
  }
  return found;
}

/** The `workflow job` pairs the old gates intended to require for a pull request's changes. */
export function oldRequired(files: readonly string[], labels: readonly string[] = []): string[] {
  return oldGateIntentions()
    .filter((intended) => {
      if (!intended.onPullRequests) return false;
      if (intended.labels.some((label) => labels.includes(label))) return true;
      if (intended.paths === undefined) return true;
      const globs = intended.paths;
      return files.some((file) => globs.some((glob) => minimatch(file, glob, { dot: true })));
    })
    .map((intended) => `${intended.workflow} ${intended.job}`)
    .sort();
}
