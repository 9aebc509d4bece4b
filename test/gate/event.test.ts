import { describe, expect, it } from "vitest";
import { resolveTarget } from "../../src/gate/event.ts";

const HEAD = "a".repeat(40);
const BASE = "b".repeat(40);
const MERGE = "c".repeat(40);
const BEFORE = "d".repeat(40);
const overrides = { githubSha: MERGE };
const pull = { number: 7, changed_files: 3, head: { sha: HEAD }, base: { sha: BASE, ref: "main" } };

describe("the commit and base a run evaluates", () => {
  it("uses the pull request's head SHA, never the test merge commit in GITHUB_SHA", () => {
    for (const event of ["pull_request", "pull_request_target"]) {
      const target = resolveTarget(event, { pull_request: pull }, overrides);
      expect(target.sha).toBe(HEAD);
      expect(target.base).toEqual({ sha: BASE, ref: "main" });
      expect(target.rulesRef).toBe("main");
    }
  });

  it("recomputes against the new base when the base branch is retargeted, and ignores title edits", () => {
    const retargeted = resolveTarget(
      "pull_request",
      {
        action: "edited",
        changes: { base: { ref: { from: "main" } } },
        pull_request: { ...pull, base: { sha: MERGE, ref: "release" } },
      } as never,
      overrides,
    );
    expect(retargeted.base).toEqual({ sha: MERGE, ref: "release" });
    expect(retargeted.rulesRef).toBe("release");
    const titled = resolveTarget(
      "pull_request",
      { action: "edited", changes: { title: { from: "x" } }, pull_request: pull } as never,
      overrides,
    );
    expect(titled).toEqual(resolveTarget("pull_request", { pull_request: pull }, overrides));
  });

  it("evaluates merge_group.head_sha against the queue's base, for the whole group", () => {
    const target = resolveTarget(
      "merge_group",
      { merge_group: { head_sha: HEAD, base_sha: BASE, base_ref: "refs/heads/main" } },
      overrides,
    );
    expect(target).toMatchObject({ sha: HEAD, base: { sha: BASE, ref: "main" }, rulesRef: "main" });
  });

  it("measures a new branch and a force push from the merge base with the default branch", () => {
    const repository = { default_branch: "trunk" };
    const created = resolveTarget(
      "push",
      { before: "0".repeat(40), after: HEAD, ref: "refs/heads/feature", repository },
      overrides,
    );
    expect(created.base).toEqual({ mergeBaseWith: "trunk" });
    const forced = resolveTarget(
      "push",
      { before: BEFORE, after: HEAD, forced: true, repository },
      overrides,
    );
    expect(forced.base).toEqual({ mergeBaseWith: "trunk" });
    const normal = resolveTarget("push", { before: BEFORE, after: HEAD, repository }, overrides);
    expect(normal.base).toEqual({ sha: BEFORE, ref: undefined });
  });

  it("takes an explicit SHA on workflow_dispatch and refuses a short one", () => {
    expect(resolveTarget("workflow_dispatch", {}, { ...overrides, sha: HEAD }).sha).toBe(HEAD);
    expect(resolveTarget("workflow_dispatch", {}, overrides).sha).toBe(MERGE);
    expect(() => resolveTarget("workflow_dispatch", {}, { ...overrides, sha: "abc" })).toThrow(
      /40-character/,
    );
  });
});
