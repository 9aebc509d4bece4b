import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { SERVED_OPERATIONS } from "./index.ts";
import { loadSpec } from "./openapi-spec.ts";
import { ROUTE_HANDLERS } from "./routes/index.ts";

const run = promisify(execFile);
const root = new URL("../../../", import.meta.url);

describe("the trimmed REST description", () => {
  test("equals what scripts/trim-openapi.mjs derives from the installed @octokit/openapi", async () => {
    const { stdout } = await run(process.execPath, ["scripts/trim-openapi.mjs", "--check"], {
      cwd: root,
    });
    expect(stdout).toContain("is up to date");
  });

  test("names the package version it was derived from", () => {
    const installed = JSON.parse(
      readFileSync(new URL("node_modules/@octokit/openapi/package.json", root), "utf8"),
    ) as { version: string };
    expect(loadSpec().derivedFrom).toBe(
      `@octokit/openapi@${installed.version} generated/api.github.com.json`,
    );
  });

  test("holds exactly the operations the simulator serves, each with a handler", () => {
    const described = loadSpec().operations.map((operation) => operation.operationId);
    expect([...described].sort()).toEqual([...SERVED_OPERATIONS].sort());
    expect(Object.keys(ROUTE_HANDLERS).sort()).toEqual([...SERVED_OPERATIONS].sort());
  });
});
