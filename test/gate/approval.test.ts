import { describe, expect, it } from "vitest";
import { gateScenario, workflowWithJobs } from "./scenario.ts";

const WASH = { name: "wash", path: ".github/workflows/wash.yml" };
const CI = { name: "CI", path: ".github/workflows/ci.yml" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("checks mode: fork pull requests whose workflow runs await approval", () => {
  it("reports 'awaiting approval', then turns green when a maintainer approves and the runs pass while it polls", async () => {
    await using s = await gateScenario();
    s.github.addWorkflow({ name: WASH.name, path: WASH.path });
    const forkRun = s.github.addWorkflowRun({
      workflow: WASH.path,
      headSha: s.head,
      event: "pull_request",
      conclusion: "action_required",
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });

    // The timeline, keyed on the gate's polls of the commit's check runs.
    const approvedJobs: number[] = [];
    s.sim.onRequest((request) => {
      if (request.operationId !== "checks/list-for-ref" || request.url.includes("page=2")) return;
      const poll = s.sim.count("checks/list-for-ref");
      if (poll === 3) {
        // Approval queues the run again and its jobs start.
        s.github.updateWorkflowRun(forkRun.id, { status: "in_progress" });
        for (const name of ["check (ubuntu)", "check (macos)"]) {
          approvedJobs.push(s.github.addJob({ runId: forkRun.id, name, status: "in_progress" }).id);
        }
      }
      if (poll === 5) {
        for (const id of approvedJobs) s.github.updateJob(id, { conclusion: "success" });
        s.github.updateWorkflowRun(forkRun.id, { conclusion: "success" });
      }
    });

    const run = await s.gate();
    expect(run.log).toMatch(/awaiting approval: wash/);
    expect(run.log).toContain("Awaiting a maintainer's approval of the workflow runs");
    expect(run.log).toMatch(/running: wash \[check \(macos\) running/);
    expect(run.outputs.result).toBe("success");
    expect(run.exitCode).toBe(0);
    expect(ids(run.outputs.satisfied)).toEqual(["wash", "lint"]);
    expect(run.summary).toContain("<code>check \\(ubuntu\\)</code> success");
  });

  it("stays not green after the approval timeout when nobody approves, saying what it waits for", async () => {
    await using s = await gateScenario();
    s.github.addWorkflow({ name: WASH.name, path: WASH.path });
    s.github.addWorkflowRun({
      workflow: WASH.path,
      headSha: s.head,
      event: "pull_request",
      conclusion: "action_required",
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ inputs: { "approval-timeout": "1s" } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("awaiting-approval");
    expect(ids(run.outputs.missing)).toEqual(["wash", "coverage"]);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /Waiting for a maintainer to approve the workflow runs of wash .*the gate is not green/,
    );
    // Polled more than once: the first sight of action_required did not end the wait.
    expect(s.sim.count("checks/list-for-ref")).toBeGreaterThan(1);
  });
});
