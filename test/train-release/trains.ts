import { type ActionRun, cleanup, runAction } from "../harness/runner.ts";
import { TRAIN_YML, wasmcloudCopy } from "./repos.ts";
import { type TrainWorld, trainWorld } from "./world.ts";

/** The 2026-12-01 slot of the fortnightly test schedule. */
export const SLOT = "2026-12-01T16:00:00Z";
export const WRITE = /^(POST|PATCH|PUT|DELETE)$/;

/** A world with commits landed after the last release: a feature, a fix and a breaking example. */
export async function landedWorld(
  config = TRAIN_YML,
  options: { now?: () => Date } = {},
): Promise<TrainWorld> {
  const repo = wasmcloudCopy();
  if (config !== TRAIN_YML)
    repo.commit({ message: "chore: train config", files: { ".github/train.yml": config } });
  repo.commit({
    message: "feat(wash): plugins (#101)",
    files: { "crates/wash/src/lib.rs": "// p" },
    date: "2026-11-20T10:00:00Z",
  });
  repo.commit({
    message: "feat(http-hello)!: streaming <img src=x> (#102)",
    files: { "examples/http-hello/src/lib.rs": "// s" },
    author: { name: "Mallory [x](https://evil)", email: "m@example.com" },
    date: "2026-11-21T10:00:00Z",
  });
  repo.commit({
    message: "fix(http-hello): close bodies",
    files: { "examples/http-hello/src/lib.rs": "// c" },
    date: "2026-11-22T10:00:00Z",
  });
  return trainWorld(repo, options);
}

export interface TrainRunOptions {
  runId?: string;
  attempt?: string;
  event?: string;
  token?: string;
  env?: Record<string, string>;
}

/** The built action, after a fresh checkout of origin, as a scheduled run by default. */
export async function train(
  w: TrainWorld,
  inputs: Record<string, string> = {},
  options: TrainRunOptions = {},
): Promise<ActionRun> {
  w.checkout();
  const run = await runAction({
    action: "actions/train-release",
    workspace: w.repo.path,
    apiUrl: w.sim.url,
    token: options.token ?? w.sim.token,
    inputs: { now: SLOT, branch: "main", ...inputs },
    event: { name: options.event ?? "schedule", payload: {} },
    env: {
      GITHUB_RUN_ID: options.runId ?? "5001",
      GITHUB_RUN_ATTEMPT: options.attempt ?? "1",
      ...options.env,
    },
  });
  cleanup(run);
  return run;
}

export const released = (run: ActionRun) =>
  JSON.parse(run.outputs.released || "[]") as Array<Record<string, string | number | boolean>>;

/** Writes GitHub carried out since a request index; a refused create (the tag exists) changes nothing. */
export const writesAfter = (w: TrainWorld, index = 0) =>
  w.sim.requests
    .slice(index)
    .filter((request) => WRITE.test(request.method) && request.status < 400);

/** Departure markers GitHub holds (succession locks, `train/after/...`, left out). */
export const markers = (w: TrainWorld) =>
  [...w.github.refs.keys()].filter(
    (ref) => ref.startsWith("refs/tags/train/") && !ref.startsWith("refs/tags/train/after/"),
  );
