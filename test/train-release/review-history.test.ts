import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { landedRepository } from "./double/landed.ts";
import { type ReviewWorld, reviewWorld } from "./double/world.ts";
import { cargoLock, crateToml, disposeTemplate, TRAIN_YML } from "./repos.ts";

// Review (round 2), against the review's own GitHub double: what history a train counts, and
// what it tags.

afterAll(disposeTemplate);

const errors = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("::error"));

/** The maintainers' main after origin's, for the next change. */
function onOrigin(w: ReviewWorld): void {
  w.repo.git("fetch", "--quiet", w.github.bare, "main");
  w.repo.git("reset", "--quiet", "--hard", "FETCH_HEAD");
}

/** A change merged past branch protection (GitHub's merge button). */
function landPastProtection(w: ReviewWorld): void {
  execFileSync(
    "git",
    ["push", "--quiet", "--force", w.github.bare, "main:refs/heads/merge-button"],
    {
      cwd: w.repo.path,
    },
  );
  w.github.git(["update-ref", "refs/heads/main", "refs/heads/merge-button"]);
  w.github.git(["update-ref", "-d", "refs/heads/merge-button"]);
}

describe.concurrent("history after the cutoff", () => {
  it("pull-request mode: a later commit that copies the release commit's subject is still a later change", async () => {
    await using w = await reviewWorld(landedRepository(`${TRAIN_YML}mode: pull-request\n`));
    const opened = await w.run();
    expect(opened.outputs.reason).toBe("awaiting-merge");
    onOrigin(w);
    const hostile = w.repo.commit({
      message: "release: train 2026-12-01",
      files: { "crates/wash/src/lib.rs": "// slipped in after the cutoff" },
      date: "2026-12-02T10:00:00Z",
    });
    landPastProtection(w);
    // The release pull request is merged with a merge commit on top of it.
    const pull = w.github.pulls[0];
    const head = w.github.commitOf(`refs/heads/${pull?.head}`) as string;
    const tree = w.github
      .git(["merge-tree", "--write-tree", "refs/heads/main", head])
      .split("\n")[0];
    const merge = w.github.git(
      ["commit-tree", tree as string, "-p", "refs/heads/main", "-p", head, "-F", "-"],
      "Merge pull request #1\n",
    );
    w.github.git(["update-ref", "refs/heads/main", merge]);
    const merged = await w.run({ now: "2026-12-02T12:00:00Z" }, { runId: 9003, event: "push" });
    expect(merged.exitCode).toBe(1);
    expect(errors(merged.stdout).join("\n")).toContain(`commit ${hostile.slice(0, 12)}`);
    expect(w.tags().has("v2.1.0")).toBe(false);
    expect(w.github.releases).toEqual([]);
  }, 300_000);
});

describe.concurrent("the release commit", () => {
  it("moves a bumped crate in the lock file of an example that reaches it by path", async () => {
    const repo = landedRepository();
    repo.commit({
      message: "chore: grpc example with its own lock file",
      files: {
        "examples/grpc-hello/Cargo.toml": `${crateToml("grpc-hello", "0.1.0")}\n[dependencies]\nmacros = { path = "../../crates/macros", version = "0.3.1" }\n`,
        "examples/grpc-hello/Cargo.lock": cargoLock([
          ["grpc-hello", "0.1.0", ["macros", "serde"]],
          ["macros", "0.3.1"],
        ]),
        "examples/grpc-hello/src/lib.rs": "",
      },
      date: "2026-11-23T10:00:00Z",
    });
    repo.tag("grpc-hello-v0.1.0");
    repo.commit({
      message: "fix(macros): spans",
      files: { "crates/macros/src/lib.rs": "// spans" },
      date: "2026-11-24T10:00:00Z",
    });
    await using w = await reviewWorld(repo);
    const run = await w.run();
    expect(errors(run.stdout)).toEqual([]);
    expect(
      JSON.parse(run.outputs.released ?? "[]").map((item: { tag: string }) => item.tag),
    ).toContain("macros-v0.3.2");
    const main = w.github.commitOf("refs/heads/main") as string;
    // cargo build --locked in the example needs its lock file to say what the manifest says.
    expect(w.github.git(["show", `${main}:examples/grpc-hello/Cargo.lock`])).toBe(
      cargoLock([
        ["grpc-hello", "0.1.0", ["macros", "serde"]],
        ["macros", "0.3.2"],
      ]).trimEnd(),
    );
    expect(w.github.git(["show", `${main}:crates/macros/Cargo.toml`])).toContain(
      'version = "0.3.2"',
    );
  }, 300_000);
});

describe.concurrent("the release pull request", () => {
  it("shows a component's name as written, never as markup or a mention", async () => {
    const repo = landedRepository(`${TRAIN_YML}mode: pull-request\n`);
    // A crate name a pull request chose: closes the code span and mentions a team.
    repo.commit({
      message: "feat(greet): a new example",
      files: {
        "examples/greet/Cargo.toml": crateToml(
          "greet`@wasmcloud/maintainers`-x/@wasmcloud/maintainers",
          "0.1.0",
        ),
        "examples/greet/Cargo.lock": "version = 4\n",
        "examples/greet/src/lib.rs": "",
      },
      date: "2026-11-23T10:00:00Z",
    });
    await using w = await reviewWorld(repo);
    const opened = await w.run();
    expect(errors(opened.stdout)).toEqual([]);
    const body = w.github.pulls[0]?.body ?? "";
    expect(body).toContain("greet");
    // Outside code elements, the team is not mentioned.
    const outside = body.replace(/<code>[^<]*<\/code>/g, "");
    expect(outside).not.toContain("@wasmcloud/maintainers");
    expect(body).not.toContain("`@wasmcloud/maintainers`");
    // The bumps reach main another way: the empty pull request is closed with a comment.
    onOrigin(w);
    const head = w.github.commitOf(`refs/heads/${w.github.pulls[0]?.head}`) as string;
    w.repo.git("fetch", "--quiet", w.github.bare, head);
    w.repo.git("cherry-pick", "FETCH_HEAD");
    landPastProtection(w);
    const closed = await w.run({ now: "2026-12-01T22:00:00Z" }, { runId: 9002 });
    expect(errors(closed.stdout)).toEqual([]);
    const comment = w.github.pulls[0]?.comments.join("\n") ?? "";
    expect(comment).toContain("Nothing left to merge");
    expect(comment.replace(/<code>[^<]*<\/code>/g, "")).not.toMatch(/(^|[^\\])@wasmcloud/);
  }, 300_000);
});
