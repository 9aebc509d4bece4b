import { describe, expect, it } from "vitest";
import { ForwardingProxy } from "../harness/proxy.ts";
import { gateScenario, workflowWithJobs } from "./scenario.ts";

const CI = { name: "CI", path: ".github/workflows/ci.yml" };

describe("the gate's REST client and the runner's proxy (built bundle, simulator)", () => {
  it("sends every request through HTTP_PROXY, reaching a host only the proxy can resolve", async () => {
    await using proxy = await ForwardingProxy.start();
    await using s = await gateScenario({
      rules: "rules:\n  - check: lint\n",
      files: { "src/main.rs": "x\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    // Without the proxy this name does not resolve, so a request that bypassed it would fail.
    const viaName = s.sim.url.replace("127.0.0.1", "api.github.test");
    // No retries: a first request sent before the proxy was set up would fail the gate at once.
    const gate = await s.gate({
      inputs: { "verdict-check": "status-gate", "api-retries": "0" },
      env: { GITHUB_API_URL: viaName, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
    });
    expect(gate.outputs.result).toBe("success");
    expect(proxy.countFor("api.github.test")).toBe(s.sim.requests.length);
    expect(s.sim.requests.map((r) => r.operationId)).toContain("checks/create");
  });

  it("goes straight to a host NO_PROXY names", async () => {
    await using proxy = await ForwardingProxy.start();
    await using s = await gateScenario({
      rules: "rules:\n  - check: lint\n",
      files: { "src/main.rs": "x\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const gate = await s.gate({
      inputs: { "api-retries": "0" },
      env: { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" },
    });
    expect(gate.outputs.result).toBe("success");
    expect(s.sim.requests.length).toBeGreaterThan(0);
    expect(proxy.requests).toHaveLength(0);
  });
});
