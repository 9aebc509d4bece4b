// `npm run bench`: every benchmark in bench/, one after another (they share two cores).
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dirname;
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith(".ts"))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort((a, b) => (a === "foundation.ts" ? -1 : b === "foundation.ts" ? 1 : a.localeCompare(b)));
execFileSync(process.execPath, [join(here, "..", "scripts", "build.mjs")], { stdio: "ignore" });
let failed = 0;
for (const script of scripts) {
  console.log(`\n## ${script}`);
  try {
    execFileSync(process.execPath, [join(here, script)], { stdio: "inherit" });
  } catch {
    failed++;
    console.log(`${script} failed`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
