import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../harness/runner.ts";

const SCRIPT = join(PROJECT_ROOT, "scripts/docs.mjs");
const docs = (...args: string[]) => {
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: "utf8" });
  return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
};

const README = `# demo

Some prose that must survive.

## Inputs

<!-- inputs:start -->
<!-- inputs:end -->

## Outputs

<!-- outputs:start -->
<!-- outputs:end -->

## Permissions
`;

const ACTION = `name: demo
description: a demo action
inputs:
  level:
    description: How loud to be | pipes, <b>tags</b> and
      a folded line.
    required: true
  token:
    description: |-
      A token.
      Second line.
    default: \${{ github.token }}
  pattern:
    description: A glob.
    default: "a|\`b\`"
outputs:
  result:
    description: What happened.
runs:
  using: node24
  main: ../../dist/demo.js
`;

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A temp checkout holding one action and its README. */
function tempCheckout(readme = README, action = ACTION) {
  root = mkdtempSync(join(tmpdir(), "sg-docs-"));
  mkdirSync(join(root, "actions/demo"), { recursive: true });
  writeFileSync(join(root, "actions/demo/action.yml"), action);
  writeFileSync(join(root, "actions/demo/README.md"), readme);
  return root;
}

const render = (markdown: string) =>
  micromark(markdown, {
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
    allowDangerousHtml: true,
  });

describe("npm run docs", () => {
  it("finds no stale README in this repository", () => {
    const result = docs("--check");
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("writes inputs and outputs tables between the markers and keeps the prose", () => {
    const checkout = tempCheckout();
    expect(docs("--root", checkout).exitCode).toBe(0);
    const readme = readFileSync(join(checkout, "actions/demo/README.md"), "utf8");
    expect(readme).toContain("Some prose that must survive.");
    expect(readme).toContain(
      "<!-- outputs:start -->\n\n| Name | Description |\n| --- | --- |\n| `result` | What happened. |\n\n<!-- outputs:end -->",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    const tokenRow = "| `token` | A token.<br>Second line. | no | `${{ github.token }}` |";
    expect(readme).toContain(tokenRow);
    expect(docs("--root", checkout, "--check").exitCode).toBe(0);
  });

  it("escapes descriptions and defaults so each input stays one row of four cells", () => {
    const checkout = tempCheckout();
    docs("--root", checkout);
    const html = render(readFileSync(join(checkout, "actions/demo/README.md"), "utf8"));
    const inputsTable = html.slice(0, html.indexOf("Outputs"));
    expect(inputsTable.match(/<tr>/g)).toHaveLength(4);
    expect(inputsTable.match(/<td>/g)).toHaveLength(12);
    expect(html).not.toContain("<b>");
    expect(html).toContain("How loud to be | pipes, &lt;b&gt;tags&lt;/b&gt; and a folded line.");
    expect(html).toContain("<code>a|`b`</code>");
  });

  it("detects a stale README, changes nothing and names the file", () => {
    const checkout = tempCheckout();
    docs("--root", checkout);
    const path = join(checkout, "actions/demo/README.md");
    const stale = readFileSync(path, "utf8").replace("What happened.", "What used to happen.");
    writeFileSync(path, stale);
    const result = docs("--root", checkout, "--check");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe("actions/demo/README.md: tables are stale; run 'npm run docs'\n");
    expect(readFileSync(path, "utf8")).toBe(stale);
  });

  it("reports a README without markers and a missing README", () => {
    const checkout = tempCheckout("# demo\n");
    mkdirSync(join(checkout, "actions/other"));
    writeFileSync(join(checkout, "actions/other/action.yml"), "name: other\n");
    const result = docs("--root", checkout, "--check");
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split("\n").filter(Boolean)).toEqual([
      "actions/demo/README.md: has no <!-- inputs:start --> ... <!-- inputs:end --> markers",
      "actions/demo/README.md: has no <!-- outputs:start --> ... <!-- outputs:end --> markers",
      "actions/other/README.md: missing (documents actions/other/action.yml)",
    ]);
  });

  it("documents the root action in docs/status-gate.md", () => {
    const checkout = tempCheckout();
    writeFileSync(join(checkout, "action.yml"), ACTION.replace("name: demo", "name: gate"));
    mkdirSync(join(checkout, "docs"));
    writeFileSync(join(checkout, "docs/status-gate.md"), README);
    expect(docs("--root", checkout).exitCode).toBe(0);
    expect(readFileSync(join(checkout, "docs/status-gate.md"), "utf8")).toContain("| `level` |");
  });
});
