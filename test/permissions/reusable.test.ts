import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import {
  expression,
  jobBlockLines,
  locate,
  removeRepositories,
  repository,
  runIn,
  yaml,
} from "./helpers.ts";

afterAll(removeRepositories);

const check = (root: string, fix = false) => runIn(root, { fix });

const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");

const CALLEE = yaml(
  "on: workflow_call",
  "permissions: {}",
  "jobs:",
  "  build:",
  "    runs-on: x",
  "    permissions:",
  "      contents: write",
  "      packages: write",
  "    steps:",
  "      - uses: actions/checkout@v5",
  "      - uses: docker/login-action@v3",
  `        with: { registry: ghcr.io, password: '${expression("secrets.GITHUB_TOKEN")}' }`,
);

const CALLER = yaml(
  "on: push",
  "permissions: {}",
  "jobs:",
  "  canary:",
  "    permissions:",
  "      contents: read",
  "    uses: ./.github/workflows/build.yml",
);

describe("reusable workflows: the caller and the called file together", () => {
  it("reports GitHub's startup failure at the calling job, naming the nested job and scopes", async () => {
    const root = repository({
      ".github/workflows/build.yml": CALLEE,
      ".github/workflows/ci.yml": CALLER,
    });
    const result = await check(root);
    const refused = result.findings.filter((f) => f.rule === "reusable-workflow-refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      path: ".github/workflows/ci.yml",
      job: "canary",
      severity: "error",
      ...locate(CALLER, "canary:"),
    });
    expect(refused[0]?.message).toBe(
      "GitHub refuses to start this workflow: job 'canary' calls ./.github/workflows/build.yml. The nested job 'build' is requesting 'contents: write, packages: write', but is only allowed 'contents: read, packages: none'.",
    );
    expect(refused[0]?.fix).toContain("'permissions: { contents: write, packages: write }'");
  });

  it("accepts a caller that grants what the called jobs request, and jobs that request nothing", async () => {
    const granted = CALLER.replace("contents: read", "contents: write\n      packages: write");
    const root = repository({
      ".github/workflows/build.yml": CALLEE,
      ".github/workflows/ci.yml": granted,
    });
    expect((await check(root)).findings).toEqual([]);
  });

  it("reports a call of a local workflow that does not exist, or is a symbolic link", async () => {
    const root = repository({ ".github/workflows/ci.yml": CALLER });
    const [missing] = (await check(root)).findings;
    expect(missing?.rule).toBe("reusable-workflow-refused");
    expect(missing?.message).toContain("which does not exist in the repository");
  });

  it("fixes the caller to the union its callees request, and says which nested job needs what", async () => {
    const root = repository({
      ".github/workflows/build.yml": CALLEE,
      ".github/workflows/ci.yml": CALLER,
    });
    const result = await check(root, true);
    expect(read(root, ".github/workflows/ci.yml")).toBe(
      CALLER.replace("      contents: read", "      contents: write\n      packages: write"),
    );
    expect(read(root, ".github/workflows/build.yml")).toBe(CALLEE);
    expect(result.findings).toEqual([]);
    expect(result.fixes[0]?.changes[0]?.description).toBe(
      "raised job 'canary' by '{ contents: write, packages: write }' so GitHub starts ./.github/workflows/build.yml (contents: write for nested job 'build' of .github/workflows/build.yml; packages: write for nested job 'build' of .github/workflows/build.yml)",
    );
  });

  it("gives a blockless caller the block its callee needs when adding 'permissions: {}' on top", async () => {
    const caller = yaml(
      "on: push",
      "jobs:",
      "  canary:",
      "    uses: ./.github/workflows/build.yml",
    );
    const root = repository({
      ".github/workflows/build.yml": CALLEE,
      ".github/workflows/ci.yml": caller,
    });
    const result = await check(root, true);
    expect(read(root, ".github/workflows/ci.yml")).toBe(
      yaml(
        "on: push",
        "permissions: {}",
        "",
        "jobs:",
        "  canary:",
        "    permissions:",
        "      contents: write",
        "      packages: write",
        "    uses: ./.github/workflows/build.yml",
      ),
    );
    expect(result.findings).toEqual([]);
  });

  it("does not add to a called workflow's jobs what its callers do not grant (the reverse failure)", async () => {
    // The called jobs have no block and take the caller's id-token: write; the fix gives the
    // called file 'permissions: {}' and its jobs what their steps need, and the caller the union.
    const callee = yaml(
      "on: workflow_call",
      "jobs:",
      ...["a", "b"].flatMap((job) => [
        `  ${job}:`,
        "    runs-on: x",
        "    steps:",
        "      - uses: actions/checkout@v5",
      ]),
    );
    const caller = yaml(
      "on: push",
      "permissions: {}",
      "jobs:",
      "  call:",
      "    permissions:",
      "      id-token: write",
      "    uses: ./.github/workflows/build.yml",
    );
    const root = repository({
      ".github/workflows/build.yml": callee,
      ".github/workflows/ci.yml": caller,
    });
    const result = await check(root, true);
    expect(result.findings.filter((f) => f.rule === "reusable-workflow-refused")).toEqual([]);
    expect(read(root, ".github/workflows/ci.yml")).toContain(
      "    permissions:\n      id-token: write\n      contents: read\n",
    );
  });

  it("never follows a remote reusable workflow: the calling job is marked for review with the reason", async () => {
    const caller = yaml(
      "on: push",
      "jobs:",
      "  call:",
      "    uses: octo/lib/.github/workflows/x.yml@v1",
    );
    const root = repository({ ".github/workflows/ci.yml": caller });
    const result = await check(root, true);
    const review = result.findings.find((f) => f.rule === "needs-review");
    expect(review?.severity).toBe("warning");
    expect(review?.message).toContain("cannot be read offline");
    expect(read(root, ".github/workflows/ci.yml")).toContain(
      "    permissions:  # status-gate: review: it calls the remote reusable workflow octo/lib/.github/workflows/x.yml@v1",
    );
  });

  it("drops an id-token: write no step of a called job can use rather than widening the caller", async () => {
    const callee = CALLEE.replace(
      "      packages: write",
      "      packages: write\n      id-token: write",
    );
    const caller = yaml(
      "on: push",
      "jobs:",
      "  canary:",
      "    uses: ./.github/workflows/build.yml",
    );
    const root = repository({
      ".github/workflows/build.yml": callee,
      ".github/workflows/ci.yml": caller,
    });
    await check(root, true);
    expect(read(root, ".github/workflows/build.yml")).toBe(CALLEE);
    expect(read(root, ".github/workflows/ci.yml")).not.toContain("id-token");
  });
});

const STEPS = [
  "      - uses: actions/checkout@v5",
  "      - uses: softprops/action-gh-release@v2",
  "      - uses: actions/attest-build-provenance@v3",
  "      - uses: someone/unknown@v1",
  `      - run: gh release list\n        env: { GH_TOKEN: '${expression("github.token")}' }`,
  "      - run: make",
];
/** A block as YAML lines at job level, or none. */
const block = jobBlockLines;
const topLevel = fc.constantFrom(undefined, "permissions: {}", "permissions:\n  contents: read");

describe("after --fix, no caller/callee pair fails to start (property)", () => {
  it("holds for generated pairs: a re-check of the whole set finds no startup failure", async () => {
    let refusedBefore = 0;
    await fc.assert(
      fc.asyncProperty(
        topLevel,
        topLevel,
        fc.array(fc.tuple(block, fc.subarray(STEPS, { maxLength: 3 })), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(block, { minLength: 1, maxLength: 2 }),
        async (calleeTop, callerTop, calleeJobs, callers) => {
          const callee = [
            "on: workflow_call",
            ...(calleeTop ? [calleeTop] : []),
            "jobs:",
            ...calleeJobs.flatMap(([lines, steps], index) => [
              `  job${index}:`,
              "    runs-on: x",
              ...(lines ?? []),
              "    steps:",
              ...(steps.length > 0 ? steps : ["      - run: echo"]),
            ]),
          ].join("\n");
          const caller = [
            "on: push",
            ...(callerTop ? [callerTop] : []),
            "jobs:",
            ...callers.flatMap((lines, index) => [
              `  call${index}:`,
              ...(lines ?? []),
              "    uses: ./.github/workflows/called.yml",
            ]),
          ].join("\n");
          const root = repository({
            ".github/workflows/called.yml": `${callee}\n`,
            ".github/workflows/caller.yml": `${caller}\n`,
          });
          const before = await check(root, false);
          if (before.findings.some((f) => f.rule === "reusable-workflow-refused")) refusedBefore++;
          await check(root, true);
          const again = await check(root, false);
          const refused = again.findings.filter((f) => f.rule === "reusable-workflow-refused");
          expect(
            refused,
            `${caller}\n---\n${callee}\n---\n${read(root, ".github/workflows/caller.yml")}\n---\n${read(root, ".github/workflows/called.yml")}`,
          ).toEqual([]);
          // The fix is stable: a second --fix changes nothing.
          expect((await check(root, true)).fixes).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
    // Not vacuous: many generated pairs would not have started before the fix.
    expect(refusedBefore).toBeGreaterThan(10);
  });
});
