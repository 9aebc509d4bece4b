import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseResultPaths } from "../../src/bench/parse.ts";
import { parseValgrindFile } from "../../src/bench/valgrind.ts";
import { temporaryDirectory } from "./helpers.ts";

const hasTools = ["valgrind", "cc"].every((tool) => spawnSync(tool, ["--version"]).status === 0);

// Two threads, so Callgrind's --separate-threads writes one file per thread.
const PROGRAM = `
#include <pthread.h>
#include <stdio.h>
static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static void *work(void *arg) { (void)arg; return (void *)fib(18); }
int main(void) {
  pthread_t thread;
  pthread_create(&thread, 0, work, 0);
  unsigned long here = fib(16);
  void *there;
  pthread_join(thread, &there);
  printf("%lu\\n", here + (unsigned long)there);
  return 0;
}
`;

describe.skipIf(!hasTools)(
  "Valgrind output made here (needs Debian's valgrind and a C compiler)",
  () => {
    const directory = temporaryDirectory("sg-valgrind-");
    const out = (name: string) => join(directory.path, name);

    beforeAll(() => {
      writeFileSync(out("fib.c"), PROGRAM);
      mkdirSync(out("threads"));
      mkdirSync(out("sizes"));
      execFileSync("cc", ["-O1", "-g", "-pthread", "-o", out("fib"), out("fib.c")]);
      const valgrind = (...args: string[]) =>
        execFileSync("valgrind", ["--quiet", ...args, out("fib")], {
          cwd: directory.path,
          stdio: ["ignore", "ignore", "pipe"],
        });
      valgrind(
        "--tool=cachegrind",
        "--cache-sim=no",
        `--cachegrind-out-file=${out("cachegrind.out.fib")}`,
      );
      valgrind("--tool=callgrind", `--callgrind-out-file=${out("callgrind.out.fib")}`);
      valgrind(
        "--tool=callgrind",
        "--separate-threads=yes",
        `--callgrind-out-file=${out("threads/callgrind.out.fib")}`,
      );
      // One benchmark per input size, named as people name them: the size after a dot.
      for (const size of ["10", "20"]) {
        valgrind(
          "--tool=callgrind",
          "--separate-threads=yes",
          `--callgrind-out-file=${out(`sizes/callgrind.out.fib.${size}`)}`,
        );
        valgrind(
          "--tool=cachegrind",
          "--cache-sim=no",
          `--cachegrind-out-file=${out(`sizes/cachegrind.out.fib.${size}`)}`,
        );
      }
    }, 120_000);
    afterAll(() => directory[Symbol.dispose]());

    it("reads the instruction count Cachegrind wrote", () => {
      const [result] = parseResultPaths([out("cachegrind.out.fib")], directory.path);
      expect(result).toMatchObject({ id: "fib", metric: "instructions", unit: "instructions" });
      expect(result?.value).toBeGreaterThan(10_000);
      expect(result?.lower).toBe(result?.value);
    });

    it("reads Callgrind's totals, which agree with its summary without cache simulation", () => {
      const parsed = parseValgrindFile(
        execFileSync("cat", [out("callgrind.out.fib")], { encoding: "utf8" }),
        "callgrind.out.fib",
      );
      const summary = /^summary: (\d+)/m.exec(
        execFileSync("cat", [out("callgrind.out.fib")], { encoding: "utf8" }),
      );
      expect(parsed.totals.get("Ir")).toBe(Number(summary?.[1]));
    });

    it("keeps benchmarks whose names end in a number apart, summing only their threads", () => {
      const callgrind = parseResultPaths(
        readdirSync(out("sizes"))
          .filter((file) => file.startsWith("callgrind.out.") && /-\d+$/.test(file))
          .map((file) => `sizes/${file}`),
        directory.path,
      );
      expect(callgrind.map((result) => result.id).sort()).toEqual(["fib.10", "fib.20"]);
      const cachegrind = parseResultPaths(
        ["sizes/cachegrind.out.fib.10", "sizes/cachegrind.out.fib.20"],
        directory.path,
      );
      expect(cachegrind.map((result) => result.id).sort()).toEqual(["fib.10", "fib.20"]);
    });

    it("sums the per-thread Callgrind files into one benchmark", () => {
      // Valgrind leaves the un-suffixed file empty and writes one `-NN` file per thread.
      const files = readdirSync(out("threads")).filter((file) => /-\d+$/.test(file));
      expect(files.length).toBeGreaterThanOrEqual(2);
      const perFile = files.map(
        (file) =>
          parseValgrindFile(
            execFileSync("cat", [out(`threads/${file}`)], { encoding: "utf8" }),
            file,
          ).totals.get("Ir") ?? 0,
      );
      const results = parseResultPaths(["threads"], directory.path);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ id: "fib", metric: "instructions" });
      expect(results[0]?.value).toBe(perFile.reduce((sum, value) => sum + value, 0));
    });
  },
);
