import { describe, expect, it } from "vitest";
import { gateScenario, workflowWithJobs } from "./scenario.ts";

// What wasmCloud's workflows need the rules to say (issue 19), in checks mode through the built
// bundle against the simulator: canary jobs skipped on pull requests but required on push, labels
// that force jobs to run, and check names GitHub cut at 100 characters.

const WASH = { name: "wash", path: ".github/workflows/wash.yml" };
const FILES = { "crates/wash/src/lib.rs": "x\n" };
const ELSEWHERE = { GITHUB_RUN_ID: "999999" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("per-event conditions", () => {
  const rules = `rules:
  - id: canary
    check: canary-publish
    workflow: .github/workflows/wash.yml
    allow: { pull_request: [skipped] }
  - id: image
    check: wash-image-amd64
    workflow: .github/workflows/wash.yml
    events: [push, merge_group]
    labels: [canary]
`;

  it("lets a canary job be skipped on a pull request, and does not wait for a push-only one", async () => {
    await using s = await gateScenario({ rules, files: FILES });
    workflowWithJobs(s.github, s.head, WASH, { "canary-publish": "skipped" });
    const gate = await s.gate({ env: ELSEWHERE, inputs: { timeout: "5s" } });
    expect(gate.outputs.result).toBe("success");
    expect(ids(gate.outputs.required)).toEqual(["canary"]);
    expect(gate.summary).toContain("skipped");
  });

  it("requires both canary jobs to succeed on push: skipped is red there", async () => {
    await using s = await gateScenario({ rules, files: FILES });
    workflowWithJobs(
      s.github,
      s.head,
      { ...WASH, event: "push" },
      { "canary-publish": "skipped", "wash-image-amd64": "success" },
    );
    const event = {
      name: "push",
      payload: {
        ref: "refs/heads/main",
        before: s.base,
        after: s.head,
        repository: { default_branch: "main" },
      },
    };
    const gate = await s.gate({ event, env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.failed)).toEqual(["canary"]);
    expect(ids(gate.outputs.satisfied)).toEqual(["image"]);
  });

  it("requires the push-only job on a pull request that carries its label", async () => {
    await using s = await gateScenario({ rules, files: FILES });
    workflowWithJobs(s.github, s.head, WASH, {
      "canary-publish": "success",
      "wash-image-amd64": "failure",
    });
    const gate = await s.gate({
      event: s.pullRequestEvent({ labels: ["canary"] }),
      env: ELSEWHERE,
    });
    expect(gate.outputs.result).toBe("failure");
    // The red image job also keeps the canary rule of the same run red: the gate cannot tell it
    // from a hidden leg of canary-publish.
    expect(ids(gate.outputs.failed)).toEqual(["canary", "image"]);
    expect(gate.summary).toContain("the pull request has the label &#39;canary&#39;");
  });
});

describe("check names GitHub cut at 100 characters", () => {
  const leg = (target: string) =>
    `canary-binaries (${target}, ubuntu-24.04, cargo-zigbuild --release --locked --features full)`;
  const cut = (name: string) => `${name.slice(0, 97)}...`;

  it("match a rule's pattern and its literal name in their cut form", async () => {
    const linux = leg("x86_64-unknown-linux-musl");
    expect(linux.length).toBeGreaterThan(100);
    await using s = await gateScenario({
      rules: `rules:
  - id: binaries
    check: "canary-binaries (*)"
    workflow: .github/workflows/wash.yml
  - id: linux
    check: "${linux}"
    workflow: .github/workflows/wash.yml
`,
      files: FILES,
    });
    workflowWithJobs(s.github, s.head, WASH, {
      [cut(linux)]: "success",
      [cut(leg("aarch64-apple-darwin"))]: "success",
    });
    const gate = await s.gate({ env: ELSEWHERE, inputs: { timeout: "5s" } });
    expect(gate.outputs.result).toBe("success");
    expect(ids(gate.outputs.satisfied)).toEqual(["binaries", "linux"]);
  });

  it("are red when the cut leg failed", async () => {
    await using s = await gateScenario({
      rules: 'rules:\n  - id: binaries\n    check: "canary-binaries (*)"\n',
      files: FILES,
    });
    workflowWithJobs(s.github, s.head, WASH, {
      "canary-binaries (wasm32-wasip2)": "success",
      [cut(leg("x86_64-pc-windows-msvc"))]: "failure",
    });
    const gate = await s.gate({ env: ELSEWHERE, inputs: { timeout: "5s" } });
    expect(gate.outputs.result).toBe("failure");
  });
});
