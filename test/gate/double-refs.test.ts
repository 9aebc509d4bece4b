import { describe, expect, it } from "vitest";
import { doubleScenario, errors } from "./double/scenario.ts";

// The rules are read from the default branch for a push to any other branch, so that a branch
// cannot loosen its own gate. A branch name given to git is resolved by git's own rules, which
// try refs/tags/<name> before refs/heads/<name>: anyone who can push a branch can push a tag.

const LINT = "rules:\n  - check: lint\n";
const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("the rules' branch is the branch, not a tag of its name", () => {
  it("a tag named like the default branch cannot stand in for it on a push to another branch", async () => {
    await using s = await doubleScenario({ rules: LINT, change: { "src/main.rs": "x\n" } });
    const loosened = s.git.commit({
      message: "drop every rule",
      files: { ".github/status-gate.yml": "rules: []\n" },
    });
    s.git.tag("main", loosened);
    const next = s.git.commit({ message: "more", files: { "src/lib.rs": "y\n" } });
    const event = {
      name: "push",
      payload: {
        ref: "refs/heads/feature",
        before: loosened,
        after: next,
        forced: false,
        repository: { default_branch: "main", full_name: s.github.repository },
      },
    };
    const gate = await s.gate({ event, sha: next, inputs: { timeout: "1s" } });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.required)).toEqual(["lint"]);
    expect(errors(gate)).toMatch(/lint/);
  });
});
