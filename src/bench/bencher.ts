import { type BenchmarkResult, malformed, toNanoseconds } from "./results.ts";

// libtest's line as Criterion's `--output-format bencher` prints it; 0.5+ adds thousands commas.
const BENCH_LINE =
  /^test (.+?) \.\.\. bench:\s+([\d,]+(?:\.\d+)?) (\S+)\/iter \(\+\/- ([\d,]+(?:\.\d+)?)\)\s*$/;

const number = (text: string) => Number(text.replace(/,/g, ""));

/**
 * `test <name> ... bench: <median> ns/iter (+/- <deviation>)` lines among whatever else the
 * bench printed. A line that starts like one but does not finish is an error, not skipped.
 */
export function parseBencherLines(text: string, file: string): BenchmarkResult[] {
  const results: BenchmarkResult[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (!/^test .* bench:/.test(line)) return;
    const match = BENCH_LINE.exec(line);
    if (!match) throw malformed(file, index + 1, `unreadable bencher line '${line.slice(0, 120)}'`);
    const [, id, median, unit, deviation] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const value = toNanoseconds(number(median), unit);
    const spread = toNanoseconds(number(deviation), unit);
    if (value === undefined || spread === undefined) {
      throw malformed(file, index + 1, `unknown time unit '${unit}'`);
    }
    results.push({
      id,
      metric: "wall-time",
      value,
      unit: "ns",
      lower: Math.max(0, value - spread),
      upper: value + spread,
      source: file,
    });
  });
  if (results.length === 0) {
    const reason = text.trim() === "" ? "the file is empty" : "no 'test ... bench:' lines";
    throw malformed(file, Math.max(1, lines.length), reason);
  }
  return results;
}
