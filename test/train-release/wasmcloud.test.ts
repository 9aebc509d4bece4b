import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createRepository } from "../harness/git.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { cargoLock, crateToml, disposeTemplate } from "./repos.ts";
import { released, train } from "./trains.ts";
import { trainWorld } from "./world.ts";

// Issue 16, 7: a repository shaped like wasmCloud (a Cargo workspace with a Helm chart, examples
// in a workspace of their own, templates) released the way its release-train.yml and
// release-tag.yml do: a signed-off `release: vX.Y.Z` pull request from `release/vX.Y.Z`, tags
// only after the canary checks pass on the merge commit, the runtime-operator Go module tag, a
// CHANGELOG.md per component, and a train output that feeds the examples' publish matrix.

afterAll(disposeTemplate);

const CONFIG = `schedule:
  anchor: 2026-05-05
  every: 14d
  at: "16:00"
mode: pull-request
changelog: true
kinds:
  example: ["examples/**", "templates/**"]
commit:
  subject: "release: v{version}"
  branch: "release/v{version}"
  author:
    name: wasmcloud-bot
    email: wasmcloud-bot@users.noreply.github.com
  signoff: true
wait-for:
  checks: [canary]
  timeout: 5m
  poll-interval: 1s
components:
  - path: .
    extra-tags: ["runtime-operator/v{version}", "v{major}"]
version-files:
  - path: charts/runtime-operator/Chart.yaml
    keys: [version, appVersion]
    component: wasmcloud
`;

const member = (name: string) =>
  `[package]\nname = "${name}"\nversion.workspace = true\nedition.workspace = true\n`;

function wasmcloudShaped() {
  const repo = createRepository();
  repo.commit({
    message: "chore: layout",
    date: "2026-11-01T10:00:00Z",
    files: {
      ".github/train.yml": CONFIG,
      "Cargo.toml": `[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "2.0.3"\nedition = "2021"\n\n[package]\nname = "wasmcloud"\nversion.workspace = true\n`,
      "Cargo.lock": cargoLock([
        ["runtime", "2.0.3"],
        ["wash", "2.0.3", ["runtime 2.0.3"]],
        ["wasmcloud", "2.0.3"],
      ]),
      "src/lib.rs": "",
      "crates/wash/Cargo.toml": member("wash"),
      "crates/wash/src/lib.rs": "",
      "crates/runtime/Cargo.toml": member("runtime"),
      "crates/runtime/src/lib.rs": "",
      "charts/runtime-operator/Chart.yaml":
        'apiVersion: v2\nname: runtime-operator\nversion: 2.0.3\nappVersion: "2.0.3"\n',
      "examples/grpc-hello-world/Cargo.toml":
        '[workspace]\nmembers = ["component-client", "component-server"]\nresolver = "2"\n',
      "examples/grpc-hello-world/Cargo.lock": cargoLock([
        ["component-client", "0.1.0"],
        ["component-server", "0.1.0"],
      ]),
      "examples/grpc-hello-world/component-client/Cargo.toml": crateToml(
        "component-client",
        "0.1.0",
      ),
      "examples/grpc-hello-world/component-client/src/lib.rs": "",
      "examples/grpc-hello-world/component-server/Cargo.toml": crateToml(
        "component-server",
        "0.1.0",
      ),
      "examples/grpc-hello-world/component-server/src/lib.rs": "",
      "templates/http-hello-world/Cargo.toml": crateToml("http-hello-world", "0.1.0"),
      "templates/http-hello-world/Cargo.lock": cargoLock([["http-hello-world", "0.1.0"]]),
      "templates/http-hello-world/src/lib.rs": "",
    },
  });
  for (const tag of [
    "v2.0.3",
    "component-client-v0.1.0",
    "component-server-v0.1.0",
    "http-hello-world-v0.1.0",
  ]) {
    repo.tag(tag, "HEAD", `Release ${tag}`);
  }
  repo.commit({
    message: "feat(wash): plugins (#4101)",
    files: { "crates/wash/src/lib.rs": "// p" },
    date: "2026-11-20T10:00:00Z",
  });
  repo.commit({
    message: "feat(grpc): streaming greetings (#4102)",
    files: {
      "examples/grpc-hello-world/component-client/src/lib.rs": "// s",
      "examples/grpc-hello-world/component-server/src/lib.rs": "// s",
    },
    date: "2026-11-21T10:00:00Z",
  });
  repo.commit({
    message: "fix(templates): typo",
    files: { "templates/http-hello-world/src/lib.rs": "// t" },
    date: "2026-11-22T10:00:00Z",
  });
  return repo;
}

/** The examples' selection step of examples/workflows/train-release.yml, run with jq. */
function publishMatrix(releasedJson: string): Array<{ name: string; path: string; tag: string }> {
  const workflow = parse(
    readFileSync(join(PROJECT_ROOT, "examples/workflows/train-release.yml"), "utf8"),
  );
  const step = workflow.jobs.train.steps.find((item: { id?: string }) => item.id === "examples");
  const filter = /jq -c '([^']+)'/.exec(step.run)?.[1] as string;
  return JSON.parse(execFileSync("jq", ["-c", filter], { input: releasedJson, encoding: "utf8" }));
}

describe("a wasmCloud-shaped repository (issue 16, 7)", () => {
  it("releases through a signed-off release pull request, tags after the canary passes, and feeds the publish matrix", {
    timeout: 180_000,
  }, async () => {
    await using w = await trainWorld(wasmcloudShaped());
    w.protectMain();
    const opened = await train(w, {}, { runId: "4401" });
    expect(opened.exitCode, opened.stdout).toBe(0);
    expect(opened.outputs).toMatchObject({ reason: "awaiting-merge", departed: "false" });
    const pull = [...w.github.pulls.values()][0];
    expect(pull).toMatchObject({ title: "release: v2.1.0", head: { ref: "release/v2.1.0" } });

    // The release commit: subject, DCO sign-off, identity, and the files it changes.
    w.checkout();
    w.repo.git("fetch", "--quiet", "origin", "release/v2.1.0");
    const message = w.repo.git("log", "-1", "--format=%B", "FETCH_HEAD");
    expect(message.split("\n")[0]).toBe("release: v2.1.0");
    expect(message).toContain(
      "Signed-off-by: wasmcloud-bot <wasmcloud-bot@users.noreply.github.com>",
    );
    expect(w.repo.git("log", "-1", "--format=%an <%ae>|%cn", "FETCH_HEAD")).toBe(
      "wasmcloud-bot <wasmcloud-bot@users.noreply.github.com>|wasmcloud-bot",
    );
    const changed = w.repo.git("diff", "--name-only", "FETCH_HEAD^", "FETCH_HEAD").split("\n");
    expect(changed).toEqual([
      "CHANGELOG.md",
      "Cargo.lock",
      "Cargo.toml",
      "charts/runtime-operator/Chart.yaml",
      "examples/grpc-hello-world/Cargo.lock",
      "examples/grpc-hello-world/component-client/CHANGELOG.md",
      "examples/grpc-hello-world/component-client/Cargo.toml",
      "examples/grpc-hello-world/component-server/CHANGELOG.md",
      "examples/grpc-hello-world/component-server/Cargo.toml",
      "templates/http-hello-world/CHANGELOG.md",
      "templates/http-hello-world/Cargo.lock",
      "templates/http-hello-world/Cargo.toml",
    ]);
    const changelog = w.repo.git("show", "FETCH_HEAD:CHANGELOG.md");
    expect(changelog).toMatch(
      /^# Changelog\n\n## 2\.1\.0 \(2026-12-01\)\n\n### Features\n\n- \*\*wash:\*\* plugins \(\[#4101\]/,
    );

    // Merged as wasmCloud merges it (rebase); CI posts the canary check a little later.
    const merged = await w.mergePullRequest(pull?.number as number, "rebase");
    let polls = 0;
    w.sim.onRequest((request) => {
      if (!request.path.endsWith(`/commits/${merged}/check-runs`)) return;
      polls += 1;
      if (polls !== 2) return;
      // CI's canary job on the merge commit, as a workflow run and its job.
      const canary = w.github.addWorkflowRun({
        workflow: "wash",
        headSha: merged,
        headBranch: "main",
        event: "push",
        conclusion: "success",
      });
      w.github.addJob({ runId: canary.id, name: "canary", conclusion: "success" });
    });
    const tagged = await train(w, {}, { runId: "4402", event: "push" });
    expect(tagged.exitCode, tagged.stdout).toBe(0);
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(tagged.outputs).toMatchObject({ departed: "true", slot: "2026-12-01" });
    for (const tag of ["v2.1.0", "runtime-operator/v2.1.0", "v2", "component-client-v0.1.1"]) {
      expect(w.tagCommit(tag), tag).toBe(merged);
    }
    const annotated = w.github.tags.get(w.github.refs.get("refs/tags/v2.1.0") as string);
    expect(annotated).toMatchObject({
      message: "Release v2.1.0",
      tagger: { name: "wasmcloud-bot", email: "wasmcloud-bot@users.noreply.github.com" },
    });
    expect(w.github.releases.map((release) => release.name)).toEqual([
      "v2.1.0",
      "component-client-v0.1.1",
      "component-server-v0.1.1",
      "http-hello-world-v0.1.1",
    ]);

    // The publish matrix: every example, those of the example workspace and the template too.
    const matrix = publishMatrix(tagged.outputs.released ?? "[]");
    expect(matrix.map((item) => `${item.name} ${item.path} ${item.tag}`)).toEqual([
      "component-client examples/grpc-hello-world/component-client component-client-v0.1.1",
      "component-server examples/grpc-hello-world/component-server component-server-v0.1.1",
      "http-hello-world templates/http-hello-world http-hello-world-v0.1.1",
    ]);
    expect(released(tagged)[0]).toMatchObject({
      name: "wasmcloud",
      kind: "group",
      version: "2.1.0",
    });
  });

  it("cuts a release candidate with bump rc on a dispatch", async () => {
    await using w = await trainWorld(wasmcloudShaped());
    const candidate = await train(
      w,
      { "dry-run": "true", bump: "rc", force: "true" },
      { runId: "4403", event: "workflow_dispatch" },
    );
    expect(candidate.exitCode, candidate.stdout).toBe(0);
    expect(candidate.log).toMatch(
      /"name": "wasmcloud",[^}]*"version": "2\.1\.0-rc\.1",[^}]*"bump": "rc"/,
    );
  });
});
