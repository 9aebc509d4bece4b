import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { TestRepository } from "../harness/git.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";

/** The migrated `.github` for wasmCloud that a maintainer copies (issue 19). */
export const EXAMPLE = join(PROJECT_ROOT, "examples/wasmcloud/.github");

/** wasmCloud's own `.github` before the migration (`../shared/corpus/wasmcloud`). */
export const CORPUS = join(PROJECT_ROOT, "../shared/corpus/wasmcloud/.github");

export const exampleWorkflows = (): string[] =>
  readdirSync(join(EXAMPLE, "workflows"))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();

export const readExample = (path: string): string => readFileSync(join(EXAMPLE, path), "utf8");

/** A parsed workflow of the example, by file name. */
export function exampleWorkflow(name: string): {
  on: Record<string, unknown>;
  jobs: Record<string, Record<string, unknown>>;
} {
  return parse(readExample(`workflows/${name}`));
}

/**
 * A git repository holding the example's `.github` as a maintainer would after copying it into a
 * wasmCloud checkout (plus any `files`), committed on `main`.
 */
export function repositoryWithExample(files: Record<string, string> = {}): TestRepository {
  const repo = new TestRepository();
  cpSync(EXAMPLE, join(repo.path, ".github"), { recursive: true });
  repo.commit({ message: "ci: status-gate", files });
  return repo;
}

/** A git repository holding wasmCloud's `.github` before the migration (the corpus), on `main`. */
export function repositoryWithCorpus(): TestRepository {
  const repo = new TestRepository();
  cpSync(CORPUS, join(repo.path, ".github"), { recursive: true });
  repo.commit({ message: "wasmCloud's .github at 7cd553cc" });
  return repo;
}
