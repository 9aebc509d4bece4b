import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalGit } from "../../src/train-release/git.ts";
import { gitPusher, pushRefusal } from "../../src/train-release/push.ts";
import { disposeTemplate, wasmcloudCopy } from "./repos.ts";
import { landedWorld, train } from "./trains.ts";

afterAll(disposeTemplate);

describe("why a push was refused", () => {
  it.each([
    ["remote: error: GH006: Protected branch update failed for refs/heads/main.", "protected"],
    ["remote: error: GH013: Repository rule violations found for refs/heads/main.", "protected"],
    [" ! [remote rejected] main -> main (pre-receive hook declined)", "protected"],
    [" ! [rejected]        main -> main (fetch first)", "non-fast-forward"],
    [" ! [rejected]        abc -> main (non-fast-forward)", "non-fast-forward"],
    [
      "remote: Permission to wasmcloud/wasmcloud.git denied to github-actions[bot].\nfatal: unable to access 'https://github.com/wasmcloud/wasmcloud/': The requested URL returned error: 403",
      "auth",
    ],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", "auth"],
    ["fatal: unable to connect to github.com", "other"],
  ])("reads %j as %s", (stderr, why) => {
    expect(pushRefusal(stderr)).toBe(why);
  });

  it("says why against a real remote: protected, moved on, or done already", async () => {
    using repo = wasmcloudCopy();
    const origin = mkdtempSync(join(tmpdir(), "sg-push-origin-"));
    const cleanup = { [Symbol.dispose]: () => rmSync(origin, { recursive: true, force: true }) };
    using _ = cleanup;
    execFileSync("git", ["clone", "--quiet", "--bare", repo.path, origin]);
    repo.git("remote", "add", "origin", origin);
    const push = gitPusher(new LocalGit(repo.path), undefined);
    const base = repo.head();
    const child = repo.commit({ message: "fix: one", files: { "src/lib.rs": "// 1" } });
    expect(await push(child, "main")).toEqual({ pushed: true });
    // Pushing what the branch already holds counts as done.
    expect(await push(base, "main")).toEqual({ pushed: true });
    repo.git("checkout", "--quiet", "--detach", base);
    const sibling = repo.commit({ message: "fix: two", files: { "src/lib.rs": "// 2" } });
    expect(await push(sibling, "main")).toMatchObject({
      pushed: false,
      why: "non-fast-forward",
      message: expect.stringMatching(/^main has moved past the release commit's parent/),
    });
    const hook = join(origin, "hooks", "pre-receive");
    writeFileSync(
      hook,
      '#!/bin/sh\necho "error: GH006: Protected branch update failed for refs/heads/main." >&2\nexit 1\n',
    );
    chmodSync(hook, 0o755);
    repo.git("checkout", "--quiet", "--detach", child);
    const grandchild = repo.commit({ message: "fix: three", files: { "src/lib.rs": "// 3" } });
    expect(await push(grandchild, "main")).toMatchObject({
      pushed: false,
      why: "protected",
      message: expect.stringContaining(
        "GH006: Protected branch update failed for refs/heads/main.",
      ),
    });
  });
});

describe("the push credential", () => {
  const shims: string[] = [];
  afterAll(() => {
    for (const shim of shims) rmSync(shim, { recursive: true, force: true });
  });

  it("reaches git through GIT_CONFIG_* variables, never its command line", async () => {
    await using w = await landedWorld();
    const shim = mkdtempSync(join(tmpdir(), "sg-git-shim-"));
    shims.push(shim);
    const log = join(shim, "calls.log");
    const real = "/usr/bin/git";
    writeFileSync(
      join(shim, "git"),
      `#!/bin/sh\nprintf 'ARGV %s\\n' "$*" >> "${log}"\nenv | grep '^GIT_CONFIG_' >> "${log}"\nexec ${real} "$@"\n`,
    );
    chmodSync(join(shim, "git"), 0o755);
    const run = await train(w, {}, { env: { PATH: `${shim}:${process.env.PATH}` } });
    expect(run.exitCode, run.stdout).toBe(0);
    const calls = readFileSync(log, "utf8");
    const basic = Buffer.from(`x-access-token:${w.sim.token}`).toString("base64");
    const argv = calls.split("\n").filter((line) => line.startsWith("ARGV"));
    expect(argv.some((line) => line.startsWith("ARGV -c core.quotepath=off push"))).toBe(true);
    for (const line of argv) {
      expect(line).not.toContain(w.sim.token);
      expect(line).not.toContain(basic);
      expect(line).not.toContain("extraheader");
    }
    // Entries 0 and 1 reset the headers a checkout persisted (see gitConfigEnvironment).
    expect(calls).toContain("GIT_CONFIG_KEY_2=http.https://github.com/.extraheader");
    expect(calls).toContain(`GIT_CONFIG_VALUE_2=AUTHORIZATION: basic ${basic}`);
    // And the log shows neither form of the token.
    expect(run.log).not.toContain(basic);
    expect(run.masks).toContain(basic);
  });
});
