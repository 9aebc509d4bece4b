import { afterAll, describe, expect, it } from "vitest";
import { landedRepository } from "./double/landed.ts";
import { reviewWorld } from "./double/world.ts";
import { disposeTemplate } from "./repos.ts";

// Review (round 2), against the review's own GitHub double and a real git HTTP origin: the push
// credential reaches GitHub once, and only the train's token.

afterAll(disposeTemplate);

describe.concurrent("the push credential over HTTP", () => {
  it("pushes with the train's token when actions/checkout persisted its own (its default)", async () => {
    await using w = await reviewWorld(landedRepository());
    const run = await w.run({}, { token: w.github.appToken, persistCredentials: true });
    expect(run.stdout.split("\n").filter((line) => line.startsWith("::error"))).toEqual([]);
    expect(run.outputs).toMatchObject({ departed: "true", reason: "scheduled" });
    const basic = (token: string) =>
      `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`.slice(
        "AUTHORIZATION: ".length,
      );
    const pushes = w.github.authorizations.filter((request) =>
      request.path.includes("git-receive-pack"),
    );
    expect(pushes.length).toBeGreaterThan(0);
    for (const push of pushes) expect(push.authorization).toEqual([basic(w.github.appToken)]);
    expect(w.github.commitOf("refs/heads/main")).toBe(w.tags().get("v2.1.0"));
    // Neither form of the token shows in the log.
    expect(run.log).not.toContain(w.github.appToken);
    expect(run.log).not.toContain(basic(w.github.appToken).slice("basic ".length));
  }, 300_000);
});
