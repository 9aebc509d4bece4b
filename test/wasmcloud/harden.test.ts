import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failedSteps, runWorkflow } from "../release/workflow-runner.ts";
import { type TrainWorld, trainWorld } from "../train-release/world.ts";
import { fakeZizmorFolder } from "../zizmor/helpers.ts";
import { openPullRequest, wasmcloudShaped } from "./world.ts";

// Issue 19: "harden passing on the migrated files". lint-workflows.yml's plan and harden jobs run
// through the workflow runner on pull requests of a wasmCloud-shaped repository that copied the
// example: harden (the built bundle) holds every workflow to .github/permissions-policy.yml and
// runs zizmor with .github/zizmor.yml. zizmor itself is the edge (a fake that finds nothing and
// records its arguments: the real one is not reachable from this machine); the permissions half
// is real.

const REPOSITORY = "wasmcloud/wasmcloud";

let w: TrainWorld;
const folders: string[] = [];
beforeAll(async () => {
  w = await trainWorld(wasmcloudShaped(), { repository: REPOSITORY });
}, 60_000);
afterAll(async () => {
  await w?.[Symbol.asyncDispose]();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** lint-workflows.yml on a pull request from `branch` that changes `files`. */
async function lintWorkflows(branch: string, number: number, files: Record<string, string>) {
  const { base, head, event } = await openPullRequest(w, {
    branch,
    number,
    files,
    message: "ci: a workflow change",
  });
  // harden reads the base's zizmor.yml and permissions policy through the contents API; the
  // simulator learns commits from origin's pushes without their trees, so it is told these files
  // of the base (the edge).
  w.github.fileContents.record(base, {
    ".github/zizmor.yml": w.repo.git("show", `${base}:.github/zizmor.yml`),
    ".github/permissions-policy.yml": w.repo.git("show", `${base}:.github/permissions-policy.yml`),
  });
  const zizmor = fakeZizmorFolder({ stdout: "[]" });
  folders.push(zizmor);
  const record = join(zizmor, "arguments.txt");
  const upload = { reason: "code scanning is github.com's", script: () => "true" };
  const jobs = await runWorkflow({
    workflow: join(w.repo.path, ".github/workflows/lint-workflows.yml"),
    jobs: ["plan", "harden"],
    event,
    ref: `refs/pull/${number}/merge`,
    sha: head,
    repository: REPOSITORY,
    origin: w.origin,
    apiUrl: w.sim.url,
    token: w.sim.token,
    env: { FAKE_ZIZMOR_RECORD: record },
    extraInputs: { "harden.harden": { "zizmor-path": join(zizmor, "zizmor") } },
    substitutes: { "harden.step2": upload, "harden.step3": upload },
  });
  for (const job of Object.values(jobs)) folders.push(job.workspace);
  return { jobs, zizmorArguments: () => readFileSync(record, "utf8").split("\n") };
}

describe("harden on the migrated workflows", () => {
  it("passes on the example as it is, zizmor reading the base's .github/zizmor.yml", async () => {
    const wash = readFileSync(join(w.repo.path, ".github/workflows/wash.yml"), "utf8");
    const { jobs, zizmorArguments } = await lintWorkflows("touch-wash", 61, {
      ".github/workflows/wash.yml": `${wash}# touched\n`,
    });
    expect(failedSteps(jobs)).toEqual([]);
    expect(jobs.harden?.result).toBe("success");
    const harden = jobs.harden?.steps.find((step) => step.id === "harden");
    expect(harden?.outputs).toMatchObject({
      passed: "true",
      "permissions-findings": "0",
      "zizmor-passed": "true",
    });
    const args = zizmorArguments();
    expect(args.filter((arg) => arg.startsWith("--config="))).toHaveLength(1);
    expect(args).not.toContain("--no-config");
  }, 180_000);

  it("fails a pull request that widens a job's grant beyond the policy", async () => {
    const proto = readFileSync(join(w.repo.path, ".github/workflows/proto.yml"), "utf8");
    const widened = proto.replace(
      /( +)pull-requests: write/,
      "$1pull-requests: write\n$1issues: write",
    );
    expect(widened).not.toBe(proto);
    const { jobs } = await lintWorkflows("widen-proto", 62, {
      ".github/workflows/proto.yml": widened,
    });
    const harden = jobs.harden?.steps.find((step) => step.id === "harden");
    expect(jobs.harden?.result).toBe("failure");
    expect(harden?.outputs).toMatchObject({ passed: "false", "permissions-errors": "1" });
    expect(harden?.log).toMatch(
      /::error title=grant-exceeds-policy[^,]*,file=\.github\/workflows\/proto\.yml,line=\d+.*'issues: write' at job 'lint'/,
    );
  }, 180_000);
});
