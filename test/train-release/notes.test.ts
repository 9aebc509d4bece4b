import { describe, expect, it } from "vitest";
import { classifyCommit } from "../../src/train-release/conventional.ts";
import {
  capped,
  componentNotes,
  MAX_RELEASE_BODY,
  markdownText,
  trainNotes,
  withChangelogEntry,
} from "../../src/train-release/notes.ts";

const commit = (subject: string, author = "Alice", sha = "a".repeat(40)) =>
  classifyCommit({ sha, subject, body: "", author });

const release = {
  name: "wasmcloud",
  version: "2.1.0",
  previous: "2.0.3",
  previousTag: "v2.0.3",
  tag: "v2.1.0",
  commits: [
    commit("feat(wash)!: new CLI <b>bold</b> @everyone (#101)"),
    commit("fix: 2.0.3 regression in #99 [link](https://evil)", "Mallory *M*", "b".repeat(40)),
  ],
};
const context = { repositoryUrl: "https://github.com/wasmcloud/wasmcloud", slot: "2026-12-01" };

describe("release notes in markdown and in plain text", () => {
  it("escapes what commits could inject in markdown and leaves versions and references readable", () => {
    const notes = componentNotes(release, context);
    expect(notes).toContain("Released by the train of 2026-12-01: `wasmcloud` 2.0.3 → 2.1.0");
    expect(notes).toContain(
      "- **wash:** new CLI &lt;b&gt;bold&lt;/b&gt; \\@everyone ([#101](https://github.com/wasmcloud/wasmcloud/pull/101)) by Alice",
    );
    expect(notes).toContain(
      "- 2.0.3 regression in #99 \\[link\\]\\(https://evil\\) ([bbbbbbb](https://github.com/wasmcloud/wasmcloud/commit/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)) by Mallory \\*M\\*",
    );
    expect(notes).toContain(
      "**Full changelog**: [v2.0.3...v2.1.0](https://github.com/wasmcloud/wasmcloud/compare/v2.0.3...v2.1.0)",
    );
    expect(notes.indexOf("### Breaking changes")).toBeLessThan(notes.indexOf("### Fixes"));
  });

  it("writes the same notes as plain text, as the commits say them", () => {
    const text = trainNotes([release], context, "text");
    expect(text).toContain(
      "wasmcloud 2.1.0\n\nReleased by the train of 2026-12-01: wasmcloud 2.0.3 → 2.1.0",
    );
    expect(text).toContain(
      "Breaking changes:\n- wash: new CLI <b>bold</b> @everyone (#101) by Alice",
    );
    expect(text).toContain(
      "- 2.0.3 regression in #99 [link](https://evil) (bbbbbbb) by Mallory *M*",
    );
    expect(text).toContain(
      "Full changelog: https://github.com/wasmcloud/wasmcloud/compare/v2.0.3...v2.1.0",
    );
    expect(text).not.toContain("\\");
  });

  it("never lets a subject start a heading, list or quote, or hide a bidi override", () => {
    expect(markdownText("# title")).toBe("\\# title");
    expect(markdownText("1. first")).toBe("1\\. first");
    expect(markdownText("- item")).toBe("\\- item");
    expect(markdownText("2.0.3 is out")).toBe("2.0.3 is out");
    expect(markdownText("> quote")).toBe("&gt; quote");
    expect(markdownText("a\u202Eb")).toBe("a<U+202E>b".replace("<", "&lt;").replace(">", "&gt;"));
    expect(markdownText("R&D &amp; more")).toBe("R&D &amp;amp; more");
  });
});

describe("CHANGELOG.md", () => {
  it("starts a changelog, and adds each release above the earlier ones", () => {
    const first = withChangelogEntry(undefined, release, { ...context, date: "2026-12-01" });
    expect(first).toMatch(/^# Changelog\n\n## 2\.1\.0 \(2026-12-01\)\n\n### Breaking changes\n/);
    const next = withChangelogEntry(
      first,
      {
        ...release,
        version: "2.2.0",
        previous: "2.1.0",
        previousTag: "v2.1.0",
        tag: "v2.2.0",
        commits: [],
      },
      { ...context, slot: "2026-12-15", date: "2026-12-15" },
    );
    expect(next.indexOf("## 2.2.0 (2026-12-15)")).toBeLessThan(
      next.indexOf("## 2.1.0 (2026-12-01)"),
    );
    expect(next).toContain("## 2.2.0 (2026-12-15)\n\nNo changes since the previous release.");
    expect(next.startsWith("# Changelog\n\n## 2.2.0")).toBe(true);
    const kept = withChangelogEntry("# Changes\n\nAll notable changes.\n", release, {
      ...context,
      date: "2026-12-01",
    });
    expect(kept).toMatch(/^# Changes\n\nAll notable changes\.\n\n## 2\.1\.0 \(2026-12-01\)/);
  });
});

describe("notes of a long history", () => {
  it("lists at most 250 commits of a release, and keeps a release body within GitHub's limit", () => {
    const commits = Array.from({ length: 3000 }, (_, index) =>
      commit(`fix: change ${index} ${"x".repeat(60)}`, "Alice", String(index).padStart(40, "0")),
    );
    const notes = componentNotes({ ...release, commits }, context);
    expect(
      notes.split("\n").filter((line) => line.startsWith("- fix") || line.startsWith("- change")),
    ).toHaveLength(250);
    expect(notes).toContain("- ... and 2750 more (see the full changelog)");
    const body = capped("line\n".repeat(50_000), MAX_RELEASE_BODY);
    expect(body.length).toBeLessThanOrEqual(MAX_RELEASE_BODY);
    expect(body).toMatch(/\(notes cut at 125000 bytes; each release holds its own\)\n$/);
  });
});
