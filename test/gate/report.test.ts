import { describe, expect, it } from "vitest";
import {
  type GateVerdict,
  progressLine,
  summaryOf,
  verdictOutputs,
} from "../../src/gate/report.ts";
import { checkRun, evaluate, plan, rules, snapshot, status, workflowRun } from "./builders.ts";

const FILE = rules(`rules:
  - id: api
    check: "api (*)"
    paths: ["crates/api/**"]
  - id: docs
    check: docs
    paths: ["docs/**"]
  - id: lint
    check: lint
  - id: bot
    check: coverage
`);

function verdict(): GateVerdict {
  const run = workflowRun();
  const hostile = "api (x | <img src=x onerror=alert(1)> @octocat [a](https://evil))";
  const evaluations = evaluate(
    plan(FILE, ["crates/api/a b.rs"]),
    snapshot({
      workflowRuns: [run],
      checkRuns: [
        checkRun(hostile, run, { url: "javascript:alert(1)" }),
        checkRun("lint", run, { status: "in_progress", conclusion: null }),
      ],
      statuses: [status("coverage", "failure", { url: "https://ci.example/1" })],
    }),
  );
  return { result: "failure", reason: "Failed: bot", evaluations, unruled: [] };
}

describe("how the verdict is explained", () => {
  it("outputs result and JSON arrays of rule ids", () => {
    expect(verdictOutputs(verdict())).toEqual({
      result: "failure",
      required: '["api","lint","bot"]',
      satisfied: '["api"]',
      missing: '["lint"]',
      failed: '["bot"]',
    });
  });

  it("writes a table row per rule with why, check, conclusion, link and duration", () => {
    const text = summaryOf(verdict(), {
      title: "Status gate",
      changeSource: "local git diff",
    }).toString();
    expect(text).toContain("| Rule | Why it applies | Check | Conclusion | Link | Duration |");
    expect(text).toContain("| <code>api</code> | crates/api/a b\\.rs matches crates/api/\\*\\* |");
    expect(text).toContain("| <code>docs</code> | none of 1 changed paths match docs/\\*\\* |");
    expect(text).toMatch(
      /<code>bot<\/code>.*❌ failed.*<a href="https:\/\/ci\.example\/1">status<\/a>/,
    );
    expect(text).toContain("queued 10s, ran 1m");
  });

  it("escapes check names so they cannot break the table, inject HTML, mention or link", () => {
    const text = summaryOf(verdict(), { title: "Status gate" }).toString();
    expect(text).not.toContain("<img");
    expect(text).not.toContain("javascript:");
    expect(text).not.toMatch(/[^\\]@octocat/);
    const apiRow = text.split("\n").find((line) => line.startsWith("| <code>api</code>")) ?? "";
    expect(apiRow.split(" | ")).toHaveLength(6);
  });

  it("prints what is still outstanding on every poll", () => {
    expect(progressLine(verdict().evaluations, 75_000)).toMatch(
      /^\[1m15s\] 1\/3 satisfied; running: lint \[lint running [\dhms]+\]$/,
    );
  });
});
