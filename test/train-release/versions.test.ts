import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyCommit, largestBump } from "../../src/train-release/conventional.ts";
import {
  effectiveBump,
  latestTag,
  nextVersion,
  sortTags,
} from "../../src/train-release/versions.ts";

const commit = (subject: string, body = "") =>
  classifyCommit({ sha: "a", author: "Ada", subject, body });

describe("conventional commits decide the bump (scenario 8)", () => {
  it.each([
    ["feat: add a host API", "minor"],
    ["feat(wash): scoped feature", "minor"],
    ["fix: stop the crash", "patch"],
    ["perf: cache the plan", "patch"],
    ["feat!: drop the old API", "major"],
    ["refactor(core)!: rename everything", "major"],
    ["chore: tidy", "none"],
    ["ci: pin actions", "none"],
    ["docs: explain", "none"],
  ])("%s is %s", (subject, bump) => {
    expect(commit(subject).bump).toBe(bump);
  });

  it("reads both spellings of the breaking-change footer", () => {
    expect(commit("fix: x", "Body\n\nBREAKING CHANGE: config moved").bump).toBe("major");
    expect(commit("fix: x", "BREAKING-CHANGE: config moved").bump).toBe("major");
    expect(commit("fix: x", "mentions BREAKING CHANGE: inline only").bump).toBe("patch");
  });

  it("counts a subject that does not parse as a patch and marks it unparsed", () => {
    const unparsed = commit("Update dependencies");
    expect(unparsed).toMatchObject({ bump: "patch", type: undefined });
    expect(commit("feat:missing space").type).toBeUndefined();
  });

  it("keeps pull request numbers from squash-merge subjects", () => {
    expect(commit("fix: handle nil (#412)")).toMatchObject({
      pullRequests: [412],
      description: "handle nil",
    });
  });

  it("never throws and never returns an unknown bump for any subject", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (subject, body) => {
        expect(["major", "minor", "patch", "none"]).toContain(commit(subject, body).bump);
      }),
    );
  });

  it("takes the largest bump of a set", () => {
    expect(largestBump(["patch", "none", "minor", "patch"])).toBe("minor");
    expect(largestBump([])).toBe("none");
  });
});

/** The version a bump gives, failing the test when the component is blocked instead. */
function next(...args: Parameters<typeof nextVersion>): string {
  const decided = nextVersion(...args);
  if ("blocked" in decided) throw new Error(decided.blocked);
  return decided.version;
}

describe("before 1.0 (scenario 8)", () => {
  const options = { preOne: "cargo", candidates: "refuse" } as const;
  it("follows Cargo: breaking bumps the minor, a feature the patch, 0.0.x only patch", () => {
    expect(next("x", "0.4.2", "major", options)).toBe("0.5.0");
    expect(next("x", "0.4.2", "minor", options)).toBe("0.4.3");
    expect(next("x", "0.0.3", "major", options)).toBe("0.0.4");
    expect(next("x", "1.4.2", "minor", options)).toBe("1.5.0");
  });

  it("follows plain semver when configured", () => {
    expect(next("x", "0.4.2", "major", { ...options, preOne: "semver" })).toBe("1.0.0");
    expect(effectiveBump("0.4.2", "minor", "semver")).toBe("minor");
  });
});

describe("release candidates in flight (scenario 11)", () => {
  it("refuses by default for that component only, and says how to finish the candidate", () => {
    const decided = nextVersion("wasmcloud", "2.1.0-rc.2", "patch", {
      preOne: "cargo",
      candidates: "refuse",
    });
    expect(decided).toEqual({
      blocked: expect.stringMatching(/version wasmcloud=2\.1\.0 to finalize/),
    });
    expect((decided as { blocked: string }).blocked).toContain("the other components leave");
  });

  it("cuts the next candidate or finalizes, never a silent 2.1.1", () => {
    expect(next("w", "2.1.0-rc.2", "patch", { preOne: "cargo", candidates: "next-rc" })).toBe(
      "2.1.0-rc.3",
    );
    expect(next("w", "2.1.0-rc.2", "major", { preOne: "cargo", candidates: "finalize" })).toBe(
      "2.1.0",
    );
  });

  it("bump rc starts the next minor's first candidate, or counts the candidate up", () => {
    const options = { preOne: "cargo", candidates: "refuse" } as const;
    expect(nextVersion("w", "2.0.3", "rc", options)).toEqual({ version: "2.1.0-rc.1", how: "rc" });
    expect(next("w", "2.1.0-rc.1", "rc", options)).toBe("2.1.0-rc.2");
    expect(next("w", "2.1.0-rc.9", "rc", options)).toBe("2.1.0-rc.10");
  });
});

describe("tag sorting per prefix (scenario 12)", () => {
  it("sorts by semver where git's default sort is wrong", () => {
    const tags = [
      "v2.9.0",
      "v2.10.0",
      "v2.1.0-rc.2",
      "v2.1.0-rc.10",
      "v2.1.0-rc.3",
      "v2.1.0",
      "wash-v9.9.9",
      "vnext",
    ];
    expect(latestTag(tags, "v")).toEqual({ tag: "v2.10.0", version: "2.10.0" });
    expect(sortTags(tags, "v")).toEqual([
      "v2.1.0-rc.2",
      "v2.1.0-rc.3",
      "v2.1.0-rc.10",
      "v2.1.0",
      "v2.9.0",
      "v2.10.0",
    ]);
    expect(latestTag(tags, "wash-v")?.version).toBe("9.9.9");
  });

  it("finds the maximum of any shuffled list of versions", () => {
    const version = fc
      .tuple(fc.nat(30), fc.nat(30), fc.nat(30), fc.option(fc.nat(12), { nil: undefined }))
      .map(([a, b, c, rc]) => `${a}.${b}.${c}${rc === undefined ? "" : `-rc.${rc}`}`);
    fc.assert(
      fc.property(fc.uniqueArray(version, { minLength: 1, maxLength: 20 }), (versions) => {
        const sorted = sortTags(
          versions.map((v) => `v${v}`),
          "v",
        );
        expect(
          latestTag(
            versions.map((v) => `v${v}`),
            "v",
          )?.tag,
        ).toBe(sorted.at(-1));
      }),
    );
  });
});
