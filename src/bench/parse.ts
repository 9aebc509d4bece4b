import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import { escapeRegExp } from "../core/text.ts";
import { parseBencherLines } from "./bencher.ts";
import { parseCargoCriterionLines, parseCriterionMeasurement } from "./criterion.ts";
import { type GenericOptions, looksGeneric, parseGenericJson } from "./generic.ts";
import { parseGungraunSummary } from "./gungraun.ts";
import { type BenchmarkResult, checkResults, resultsByKey } from "./results.ts";
import { parseValgrindFile, type ValgrindTotals, valgrindResults } from "./valgrind.ts";

const VALGRIND_FILE = /^(cachegrind|callgrind)\.out/;

/**
 * Every result under the given files and directories. A directory is searched for Criterion
 * `new/` measurements and Valgrind output files; `base/` and named baselines are Criterion's own
 * copies of an earlier run on this machine, not the base branch, and are skipped.
 */
export function parseResultPaths(
  paths: readonly string[],
  cwd: string,
  options: GenericOptions = {},
): BenchmarkResult[] {
  if (paths.length === 0) throw new ConfigurationError("no result paths given");
  const results: BenchmarkResult[] = [];
  const valgrind: { file: string; parsed: ValgrindTotals }[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!existsSync(absolute)) throw new ConfigurationError(`${path}: no such file or directory`);
    const isDirectory = statSync(absolute).isDirectory();
    const files = isDirectory ? walk(absolute) : [absolute];
    const criterionDirectories = new Set<string>();
    for (const file of files) {
      const shown = relative(cwd, file) || file;
      const name = basename(file);
      if (VALGRIND_FILE.test(name) && isThreadPlaceholder(file, files)) continue;
      if (VALGRIND_FILE.test(name) || (!isDirectory && looksLikeValgrind(file))) {
        valgrind.push({
          file: shown,
          parsed: parseValgrindFile(readFileSync(file, "utf8"), shown),
        });
      } else if (name === "benchmark.json" || name === "estimates.json") {
        if (basename(dirname(file)) === "new") criterionDirectories.add(dirname(file));
      } else if (!isDirectory || name === "summary.json") {
        results.push(...parseResultText(readFileSync(file, "utf8"), shown, options));
      }
    }
    for (const directory of [...criterionDirectories].sort()) {
      results.push(...parseCriterionDirectory(directory, cwd));
    }
  }
  results.push(...valgrindResults(valgrind));
  if (results.length === 0) {
    // Silence is never success: a path with nothing to read is a wrong path, not a clean run.
    throw new ConfigurationError(
      `found no benchmark results in ${paths.join(", ")}; expected a Criterion tree (target/criterion), bencher or cargo-criterion output, cachegrind.out.*/callgrind.out.* files, a gungraun summary.json or generic JSON`,
    );
  }
  checkResults(results);
  return deduplicate(results);
}

/**
 * With `--separate-threads=yes` Callgrind writes `<out>-01`, `<out>-02`, ... and leaves `<out>`
 * itself empty; that empty file is not a truncated result.
 */
function isThreadPlaceholder(file: string, files: readonly string[]): boolean {
  return (
    statSync(file).size === 0 &&
    files.some((other) => new RegExp(`^${escapeRegExp(file)}-\\d+$`).test(other))
  );
}

/** Valgrind output renamed by the user (`--callgrind-out-file=anything`). */
function looksLikeValgrind(file: string): boolean {
  const head = readFileSync(file, "utf8").slice(0, 2048);
  return /^# callgrind format/.test(head) || /^(desc|cmd|events):/m.test(head);
}

/** Files under a directory, sorted, skipping Criterion's HTML reports. */
function walk(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "report") files.push(...walk(path));
    } else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

function parseCriterionDirectory(directory: string, cwd: string): BenchmarkResult[] {
  const show = (name: string) => relative(cwd, join(directory, name));
  const read = (name: string) => readFileSync(join(directory, name), "utf8");
  for (const required of ["benchmark.json", "estimates.json"]) {
    if (!existsSync(join(directory, required))) {
      throw new ConfigurationError(`${show(required)}: missing beside its sibling in ${show("")}`);
    }
  }
  const hasSample = existsSync(join(directory, "sample.json"));
  return parseCriterionMeasurement({
    benchmarkFile: show("benchmark.json"),
    benchmarkJson: read("benchmark.json"),
    estimatesFile: show("estimates.json"),
    estimatesJson: read("estimates.json"),
    ...(hasSample ? { sampleFile: show("sample.json"), sampleJson: read("sample.json") } : {}),
  });
}

/**
 * One file whose kind is told by its content: gungraun JSON, generic JSON (an array, or an object
 * with `benchmarks`), cargo-criterion lines or bencher.
 */
export function parseResultText(
  text: string,
  file: string,
  options: GenericOptions = {},
): BenchmarkResult[] {
  const start = text.trimStart();
  if (start.startsWith("{") && /"benchmark_exe"|"module_path"/.test(text.slice(0, 4096))) {
    return parseGungraunSummary(text, file);
  }
  if (start.startsWith("[") || (start.startsWith("{") && isGenericDocument(text))) {
    return parseGenericJson(text, file, options);
  }
  if (start.startsWith("{")) return parseCargoCriterionLines(text, file);
  return parseBencherLines(text, file);
}

/** The same benchmark twice (two result files for one id) is a mistake worth refusing. */
function deduplicate(results: BenchmarkResult[]): BenchmarkResult[] {
  resultsByKey(results);
  return results;
}

function isGenericDocument(text: string): boolean {
  try {
    return looksGeneric(JSON.parse(text));
  } catch {
    // Not one JSON document: cargo-criterion's lines, or broken JSON its parser will name.
    return /^\s*\{\s*"benchmarks"\s*:/.test(text);
  }
}
