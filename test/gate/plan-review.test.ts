import { afterAll, describe, expect, it } from "vitest";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";

// `status-gate gate plan` prints the changed files of a branch someone else wrote to a
// reviewer's terminal: a file name must not be able to drive the terminal or fake a line.

const repositories: TestRepository[] = [];
afterAll(() => {
  for (const repo of repositories) repo[Symbol.dispose]();
});

describe("gate plan on hostile file names", () => {
  it("prints control characters in file names as escapes, never raw", async () => {
    const repo = createRepository();
    repositories.push(repo);
    repo.commit({
      message: "rules",
      files: { ".github/status-gate.yml": 'rules:\n  - check: lint\n    paths: ["**"]\n' },
    });
    repo.git("checkout", "-qb", "change");
    const hostile = "evil\u001b]0;pwned\u0007\u001b[2J\nNot required (9):\u009b.txt";
    repo.commit({ message: "evil", files: { [hostile]: "x\n" } });
    const plan = await runCli(["gate", "plan", "--repo", repo.path, "--base", "main"]);
    expect(plan.exitCode).toBe(0);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters under test
    expect(plan.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(plan.stdout).toContain(
      "evil<U+001B>]0;pwned<U+0007><U+001B>[2J<U+000A>Not required (9):<U+009B>.txt",
    );
    expect(plan.stdout.match(/^Not required/gm)).toHaveLength(1);
  });
});
