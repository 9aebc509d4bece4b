import type { TestRepository } from "../../harness/git.ts";
import { TRAIN_YML, wasmcloudCopy } from "../repos.ts";

/** The wasmCloud-shaped repository with a feature, a breaking example change and a fix landed. */
export function landedRepository(config = TRAIN_YML): TestRepository {
  const repo = wasmcloudCopy();
  if (config !== TRAIN_YML) {
    repo.commit({ message: "chore: train config", files: { ".github/train.yml": config } });
  }
  repo.commit({
    message: "feat(wash): plugins (#101)",
    files: { "crates/wash/src/lib.rs": "// p" },
    date: "2026-11-20T10:00:00Z",
  });
  repo.commit({
    message: "feat(http-hello)!: streaming (#102)",
    files: { "examples/http-hello/src/lib.rs": "// s" },
    date: "2026-11-21T10:00:00Z",
  });
  repo.commit({
    message: "fix(http-hello): close bodies",
    files: { "examples/http-hello/src/lib.rs": "// c" },
    date: "2026-11-22T10:00:00Z",
  });
  return repo;
}
