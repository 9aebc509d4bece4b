import { describe, expect, it } from "vitest";
import { readMarkers } from "../../src/train-release/markers.ts";

const record = (run: string, departsAt: string) =>
  JSON.stringify({
    slot: `run-${run}`,
    cutoff: "c".repeat(40),
    departsAt,
    run,
    reason: "forced",
    versions: {},
  });

describe("reading the departure markers", () => {
  // GitHub's tags as the API lists them: two markers and a succession lock.
  const remote = new Map([
    ["train/run-7001", record("7001", "2026-12-01T10:00:00Z")],
    ["train/run-7002", record("7002", "2026-12-15T10:00:00Z")],
    ["train/after/none", "train/run-7001"],
  ]);
  const asked: string[] = [];
  const source = {
    listTags: async () => [...remote.keys()],
    tagMessage: async (name: string) => {
      asked.push(name);
      return remote.get(name);
    },
  };

  it("reads a marker from GitHub when the clone's tag of that name holds no record", async () => {
    // A clone whose tag is lightweight (or re-made by hand) gives a commit's message instead.
    const local = new Map([
      ["train/run-7001", "feat: the suite, ready for its first release\n\n"],
      ["train/run-7002", `${record("7002", "2026-12-15T10:00:00Z")}\n`],
    ]);
    asked.length = 0;
    const markers = await readMarkers(source, local, "train/");
    expect(markers.map((marker) => marker.tag)).toEqual(["train/run-7001", "train/run-7002"]);
    // The clone's good record costs no request, and a succession lock is not a marker to read.
    expect(asked).toEqual(["train/run-7001"]);
  });
});
