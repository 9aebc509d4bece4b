// `node scripts/pin-examples.mjs vX.Y.Z [--check]`: points every pinned example of this suite's
// actions in the documentation at a release: `wasmcloud/status-gate/actions/<name>@<sha> # vX.Y.Z`,
// the SHA being the commit the tag names. The release workflow runs it after each release and
// proposes the result as a pull request; until the first release the examples say
// `@<commit of v1.0.0>`, which this script fills in.
//
// With --check it changes nothing and exits 1 when an example is not pinned to that release.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** A pinned use of this suite's actions: the reference, the pin and its version comment. */
export const PINNED =
  /(?<action>wasmcloud\/status-gate(?:\/actions\/[\w-]+)?)@(?<pin>[0-9a-f]{40}|<commit of v\d+\.\d+\.\d+>)(?<gap>\s+#\s*)(?<version>v\d+\.\d+\.\d+)\b/g;

/**
 * The documentation files that hold examples, relative to `root`: README.md, docs/*.md and each
 * action's README.
 */
export function documentationFiles(root) {
  const files = ["README.md"];
  const docs = join(root, "docs");
  if (existsSync(docs)) {
    for (const name of readdirSync(docs).sort()) {
      if (name.endsWith(".md")) files.push(`docs/${name}`);
    }
  }
  const actions = join(root, "actions");
  for (const name of existsSync(actions) ? readdirSync(actions).sort() : []) {
    if (existsSync(join(actions, name, "README.md"))) files.push(`actions/${name}/README.md`);
  }
  return files;
}

/** The text with every pinned example pointing at `sha` and `tag`, and how many there were. */
export function pinExamples(text, sha, tag) {
  let count = 0;
  const pinned = text.replace(PINNED, (...args) => {
    const groups = args.at(-1);
    count++;
    return `${groups.action}@${sha}${groups.gap}${tag}`;
  });
  return { text: pinned, count };
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const tag = args.find((arg) => !arg.startsWith("--"));
  if (!tag || !/^v\d+\.\d+\.\d+$/.test(tag)) {
    process.stderr.write("usage: node scripts/pin-examples.mjs vX.Y.Z [--check]\n");
    process.exit(2);
  }
  const root = join(import.meta.dirname, "..");
  let sha;
  try {
    sha = execFileSync("git", ["rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`], {
      cwd: root,
      encoding: "utf8",
    }).trim();
  } catch {
    process.stderr.write(`pin-examples: there is no tag ${tag} in this repository\n`);
    process.exit(2);
  }
  let total = 0;
  const stale = [];
  for (const file of documentationFiles(root).map((name) => join(root, name))) {
    const before = readFileSync(file, "utf8");
    const { text, count } = pinExamples(before, sha, tag);
    total += count;
    if (text === before) continue;
    stale.push(relative(root, file));
    if (!check) writeFileSync(file, text);
  }
  if (total === 0) {
    process.stderr.write("pin-examples: the documentation has no pinned example\n");
    process.exit(1);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`pin-examples: not pinned to ${tag} (${sha}): ${stale.join(", ")}\n`);
    process.exit(1);
  }
  const verb = check ? "are pinned to" : "now pin";
  process.stdout.write(`pin-examples: ${total} examples ${verb} ${tag} (${sha})\n`);
}

if (process.argv[1] === import.meta.filename) main();
