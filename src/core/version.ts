/** The suite's version, from the package.json beside `dist/` (the repository's or the npm package's). */
export function version(): string {
  // Read when asked: importing node:fs up front costs every start a few milliseconds.
  const { readFileSync } = process.getBuiltinModule("node:fs") as typeof import("node:fs");
  for (const candidate of ["../package.json", "../../package.json"]) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(candidate, import.meta.url), "utf8"));
      if (manifest.name === "status-gate" || manifest.name === "@wasmcloud/status-gate") {
        return String(manifest.version);
      }
    } catch {
      // Not there: try the next place.
    }
  }
  return "unknown";
}
