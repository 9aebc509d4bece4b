// Writes each action's Inputs and Outputs tables into its documentation, from its action.yml:
// the root action.yml into docs/status-gate.md, each actions/<name>/action.yml into the README.md
// beside it, between `<!-- inputs:start -->`/`<!-- inputs:end -->` and
// `<!-- outputs:start -->`/`<!-- outputs:end -->`.
//
//   node scripts/docs.mjs            rewrite the tables
//   node scripts/docs.mjs --check    change nothing; exit 1 listing every stale or broken file
//   --root DIR                       work on another checkout (the tests use a temp copy)
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "yaml";

/** Each action.yml with the markdown file its tables belong in. */
function documentedActions(root) {
  const targets = [];
  if (existsSync(join(root, "action.yml"))) {
    targets.push({ action: "action.yml", doc: "docs/status-gate.md" });
  }
  const actions = join(root, "actions");
  if (existsSync(actions)) {
    for (const entry of readdirSync(actions, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.isDirectory() && existsSync(join(actions, entry.name, "action.yml"))) {
        targets.push({
          action: `actions/${entry.name}/action.yml`,
          doc: `actions/${entry.name}/README.md`,
        });
      }
    }
  }
  return targets;
}

/** Text made safe for one table cell: no pipe ends it, no line break or HTML tag breaks it. */
export function tableCell(text) {
  return String(text)
    .trim()
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r\n|\r|\n/g, "<br>");
}

/** A code span that no backtick in the value can close early, safe in a table cell. */
function codeCell(value) {
  const text = String(value).replace(/\r\n|\r|\n/g, " ");
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const padding = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${padding}${text.replace(/\|/g, "\\|")}${padding}${fence}`;
}

function inputsTable(inputs) {
  const entries = Object.entries(inputs ?? {});
  if (entries.length === 0) return "This action has no inputs.";
  const rows = entries.map(([name, spec]) => {
    const required = spec?.required === true ? "yes" : "no";
    const fallback =
      spec?.default === undefined || spec?.default === "" ? "" : codeCell(spec.default);
    return `| ${codeCell(name)} | ${tableCell(spec?.description ?? "")} | ${required} | ${fallback} |`;
  });
  return ["| Name | Description | Required | Default |", "| --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

function outputsTable(outputs) {
  const entries = Object.entries(outputs ?? {});
  if (entries.length === 0) return "This action has no outputs.";
  const rows = entries.map(
    ([name, spec]) => `| ${codeCell(name)} | ${tableCell(spec?.description ?? "")} |`,
  );
  return ["| Name | Description |", "| --- | --- |", ...rows].join("\n");
}

/** The document with both tables replaced, or a list of what stops that. */
export function updateDocument(document, definition) {
  let text = document;
  const problems = [];
  for (const [section, table] of [
    ["inputs", inputsTable(definition.inputs)],
    ["outputs", outputsTable(definition.outputs)],
  ]) {
    const start = `<!-- ${section}:start -->`;
    const end = `<!-- ${section}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end, from + start.length);
    if (from < 0 || to < 0) {
      problems.push(`has no ${start} ... ${end} markers`);
      continue;
    }
    text = `${text.slice(0, from + start.length)}\n\n${table}\n\n${text.slice(to)}`;
  }
  return { text, problems };
}

/** Rewrites (or, with `check`, only compares) every document; returns the lines to report. */
export function syncDocs(root, { check }) {
  const stale = [];
  for (const { action, doc } of documentedActions(root)) {
    let definition;
    try {
      definition = parse(readFileSync(join(root, action), "utf8")) ?? {};
    } catch (error) {
      stale.push(`${action}: not valid YAML: ${error.message.split("\n")[0]}`);
      continue;
    }
    const path = join(root, doc);
    if (!existsSync(path)) {
      stale.push(`${doc}: missing (documents ${action})`);
      continue;
    }
    const current = readFileSync(path, "utf8");
    const { text, problems } = updateDocument(current, definition);
    for (const problem of problems) stale.push(`${doc}: ${problem}`);
    if (problems.length > 0 || text === current) continue;
    if (check) stale.push(`${doc}: tables are stale; run 'npm run docs'`);
    else writeFileSync(path, text);
  }
  return stale;
}

function main(args) {
  const rootFlag = args.indexOf("--root");
  const root = rootFlag >= 0 ? args[rootFlag + 1] : fileURLToPath(new URL("..", import.meta.url));
  const check = args.includes("--check");
  const problems = syncDocs(root, { check });
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    process.exitCode = 1;
    return;
  }
  console.log(
    check ? "docs are up to date" : `docs written under ${relative(process.cwd(), root) || "."}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2));
}
