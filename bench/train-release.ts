// Plans a release train for a generated repository of 50,000 commits and 200 components, from
// local git, and counts the GitHub API requests the decision needs (they must not grow with
// history). The plan is a dry run: it builds the release commit in the clone and goes through
// every write without making one. Run: node bench/train-release.ts
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Outcome } from "../src/core/outcome.ts";
import { parseTrainConfig } from "../src/train-release/config.ts";
import { LocalGit } from "../src/train-release/git.ts";
import { planRelease } from "../src/train-release/plan.ts";
import type { TrainRemote } from "../src/train-release/remote.ts";
import { runTrain, type TrainInputs } from "../src/train-release/run.ts";

const GROUPED = 100;
const CRATES = 149;
const EXAMPLES = 50;
const DEPARTURE = Date.parse("2026-12-01T16:00:00Z");

function inline(path: string, content: string): string {
  return `M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
}

function commit(mark: number, when: number, message: string, files: string): string {
  const seconds = Math.floor(when / 1000);
  return `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.com> ${seconds} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n${files}\n`;
}

/** The fast-import stream: one layout commit, then `commits` changes spread over the components. */
function history(commits: number, tagAt: number | undefined): string {
  const parts: string[] = [];
  let layout = inline(".github/train.yml", "schedule:\n  anchor: 2026-05-05\n  every: 14d\n");
  const members = Array.from({ length: GROUPED }, (_, i) => `crates/g${i}`);
  layout += inline(
    "Cargo.toml",
    `[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "1.0.0"\n`,
  );
  for (const dir of members) {
    layout += inline(
      `${dir}/Cargo.toml`,
      `[package]\nname = "${dir.slice(7)}"\nversion.workspace = true\n`,
    );
  }
  for (let i = 0; i < CRATES; i++) {
    layout += inline(
      `crates/c${i}/Cargo.toml`,
      `[package]\nname = "c${i}"\nversion = "0.${i % 7}.0"\n`,
    );
  }
  for (let i = 0; i < EXAMPLES; i++) {
    layout += inline(`examples/e${i}/Cargo.toml`, `[package]\nname = "e${i}"\nversion = "0.1.0"\n`);
    layout += inline(
      `examples/e${i}/Cargo.lock`,
      `version = 4\n\n[[package]]\nname = "e${i}"\nversion = "0.1.0"\n`,
    );
  }
  const start = DEPARTURE - (commits + 10) * 60_000;
  parts.push(commit(1, start, "chore: layout", layout));
  const kinds = ["feat", "fix", "chore", "docs", "perf", "Update things"];
  const dirs = [
    ...members,
    ...Array.from({ length: CRATES }, (_, i) => `crates/c${i}`),
    ...Array.from({ length: EXAMPLES }, (_, i) => `examples/e${i}`),
  ];
  for (let n = 1; n <= commits; n++) {
    const dir = dirs[(n * 7919) % dirs.length] as string;
    const kind = kinds[n % kinds.length] as string;
    const message = kind.includes(" ") ? `${kind} ${n}` : `${kind}: change ${n}`;
    parts.push(
      commit(n + 1, start + n * 60_000, message, inline(`${dir}/src/lib.rs`, `// ${n}\n`)),
    );
    if (n === tagAt) {
      const tags = [
        `v1.0.0`,
        ...Array.from({ length: CRATES }, (_, i) => `c${i}-v0.${i % 7}.0`),
        ...Array.from({ length: EXAMPLES }, (_, i) => `e${i}-v0.1.0`),
      ];
      for (const tag of tags) parts.push(`reset refs/tags/${tag}\nfrom :${n + 1}\n\n`);
    }
  }
  return parts.join("");
}

function generate(commits: number, tagAt: number | undefined): { dir: string; seconds: number } {
  const dir = mkdtempSync(join(tmpdir(), "sg-train-bench-"));
  const started = performance.now();
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", dir]);
  execFileSync("git", ["fast-import", "--quiet"], {
    cwd: dir,
    input: history(commits, tagAt),
    maxBuffer: 1 << 30,
  });
  return { dir, seconds: (performance.now() - started) / 1000 };
}

/** A remote that answers "nothing departed yet" and counts every call as one API request. */
function countingRemote(): TrainRemote {
  let requests = 0;
  const count = <T>(value: T) => {
    requests += 1;
    return Promise.resolve(value);
  };
  const refuse = () => Promise.reject(new Error("a dry run writes nothing"));
  return {
    get requests() {
      return requests;
    },
    listTags: () => count([]),
    getTag: () => count(undefined),
    createAnnotatedTag: refuse,
    moveTag: refuse,
    deleteTag: refuse,
    releases: () => count(new Map()),
    getRelease: refuse,
    createDraftRelease: refuse,
    publishRelease: refuse,
    uploadAsset: refuse,
    deleteAsset: refuse,
    generateNotes: refuse,
    findPullRequest: () => count(undefined),
    openPullRequest: refuse,
    closePullRequest: refuse,
    dispatchWorkflow: refuse,
    branchContains: () => count(false),
    runCreatedAt: () => count(undefined),
  };
}

async function plan(label: string, commits: number, tagAt: number | undefined) {
  const { dir, seconds } = generate(commits, tagAt);
  try {
    const config = parseTrainConfig(
      ".github/train.yml",
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\n",
    );
    const remote = countingRemote();
    const inputs: TrainInputs = {
      configPath: ".github/train.yml",
      event: "schedule",
      now: new Date(DEPARTURE + 5 * 60_000),
      force: false,
      bump: "auto",
      versions: new Map(),
      dryRun: true,
      branch: "main",
      runId: "1",
      runAttempt: 1,
      repositoryUrl: "https://github.com/wasmcloud/wasmcloud",
      defaultToken: false,
      workspace: dir,
    };
    const git = new LocalGit(dir);
    const planStarted = performance.now();
    const cutoff = git.commitAtCutoff("HEAD", new Date(DEPARTURE)) as string;
    const decided = await planRelease(git, config, cutoff);
    const planMs = performance.now() - planStarted;
    const started = performance.now();
    const result = await runTrain(inputs, config, {
      git,
      remote,
      push: () => Promise.reject(new Error("a dry run pushes nothing")),
      log: () => {},
      outcome: new Outcome(),
      waitForChecks: () => Promise.reject(new Error("a dry run waits for nothing")),
    });
    const wall = performance.now() - started;
    console.log(`${label} generate: ${seconds.toFixed(2)} s`);
    console.log(`${label} plan wall time: ${planMs.toFixed(0)} ms`);
    console.log(`${label} dry run (every write listed) wall time: ${wall.toFixed(0)} ms`);
    console.log(`${label} plan departing: ${decided.departing.length} count`);
    console.log(`${label} components: ${result.plan?.components.length ?? 0} count`);
    console.log(`${label} departing: ${result.plan?.departing.length ?? 0} count`);
    console.log(`${label} api requests: ${remote.requests} requests`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await plan("5k commits, 500 since tags", 5_000, 4_500);
await plan("50k commits, 5000 since tags", 50_000, 45_000);
await plan("50k commits, untagged (full scan)", 50_000, undefined);
