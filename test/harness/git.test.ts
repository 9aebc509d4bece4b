import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createRepository, shallowClone } from "./git.ts";

describe("TestRepository (real git repositories for tests)", () => {
  it("commits scripted files with the given author and date", () => {
    using repo = createRepository();
    repo.commit({
      message: "feat: first\n\nbody",
      files: { "src/a.ts": "a", "README.md": "r" },
      author: { name: "Ada", email: "ada@example.com" },
      date: "2026-02-03T04:05:06Z",
    });
    expect(repo.git("log", "-1", "--format=%an <%ae> %aI %cn %B")).toBe(
      "Ada <ada@example.com> 2026-02-03T04:05:06+00:00 Ada feat: first\n\nbody",
    );
    expect(repo.git("ls-files").split("\n")).toEqual(["README.md", "src/a.ts"]);
  });

  it("moves its clock forward a minute per commit for a steady history", () => {
    using repo = createRepository();
    repo.commit({ message: "one", files: { a: "1" } });
    repo.commit({ message: "two", files: { a: "2" } });
    const [second, first] = repo.git("log", "--format=%at").split("\n").map(Number);
    expect(second! - first!).toBe(60);
  });

  it("deletes a file given as null and allows empty commits on request", () => {
    using repo = createRepository();
    repo.commit({ message: "add", files: { gone: "x", kept: "y" } });
    repo.commit({ message: "remove", files: { gone: null } });
    expect(repo.git("ls-files")).toBe("kept");
    const before = repo.head();
    expect(repo.commit({ message: "empty", allowEmpty: true })).not.toBe(before);
  });

  it("merges a branch with a merge commit of two parents", () => {
    using repo = createRepository({ defaultBranch: "trunk" });
    repo.commit({ message: "base", files: { a: "1" } });
    repo.checkout("feature", { create: true });
    const feature = repo.commit({ message: "feature", files: { b: "1" } });
    repo.checkout("trunk");
    const merge = repo.merge("feature", "Merge feature", { date: "2026-03-01T00:00:00Z" });
    expect(repo.git("rev-list", "--parents", "-n", "1", merge).split(" ")).toHaveLength(3);
    expect(repo.git("rev-list", "--parents", "-n", "1", merge)).toContain(feature);
    expect(repo.git("log", "-1", "--format=%cI")).toBe("2026-03-01T00:00:00+00:00");
  });

  it("makes lightweight and annotated tags", () => {
    using repo = createRepository();
    repo.commit({ message: "one", files: { a: "1" } });
    repo.tag("v1.0.0");
    repo.tag("v1.1.0", "HEAD", "release 1.1.0");
    expect(repo.git("cat-file", "-t", "v1.0.0")).toBe("commit");
    expect(repo.git("cat-file", "-t", "v1.1.0")).toBe("tag");
  });

  it("clones shallowly, with one commit of history", () => {
    using repo = createRepository();
    repo.commit({ message: "one", files: { a: "1" } });
    const head = repo.commit({ message: "two", files: { a: "2" } });
    using clone = shallowClone(repo);
    expect(clone.git("rev-list", "--count", "HEAD")).toBe("1");
    expect(clone.head()).toBe(head);
    expect(clone.git("rev-parse", "--is-shallow-repository")).toBe("true");
  });

  it("removes the repository when disposed", () => {
    let path: string;
    {
      using repo = createRepository();
      path = repo.path;
      expect(existsSync(path)).toBe(true);
    }
    expect(existsSync(path)).toBe(false);
  });
});
