import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Finding, FindingLocation, Severity } from "../../src/zizmor/report.ts";

export const FIXTURES = join(import.meta.dirname, "fixtures");

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

/** Which corpus input each audit's findings in json-v1.several-inputs.json came from. */
export const SEVERAL_INPUTS_FILES: Record<string, string> = {
  "template-injection": "template-injection.yml",
  "unpinned-uses": "unpinned-uses.yml",
  "unsound-contains": "unsound-contains.yml",
};

/**
 * A corpus report with the harness's `@@INPUT@@` redaction replaced by the path zizmor would
 * have printed for each finding (chosen per audit).
 */
export function corpusReport(name: string, pathFor: (audit: string) => string): string {
  const findings = JSON.parse(fixture(name)) as { ident: string }[];
  return JSON.stringify(
    findings.map((finding) =>
      JSON.parse(JSON.stringify(finding).replaceAll("@@INPUT@@", pathFor(finding.ident))),
    ),
    null,
    2,
  );
}

/** A workspace holding the corpus inputs under .github/workflows/ (and dependabot.yml). */
export function corpusWorkspace(): string {
  const workspace = mkdtempSync(join(tmpdir(), "sg-zizmor-ws-"));
  const workflows = join(workspace, ".github", "workflows");
  mkdirSync(workflows, { recursive: true });
  for (const name of Object.values(SEVERAL_INPUTS_FILES).concat("several-vulnerabilities.yml")) {
    writeFileSync(join(workflows, name), fixture(`inputs/${name}`));
  }
  writeFileSync(
    join(workspace, ".github", "dependabot.yml"),
    fixture("inputs/dependabot-execution/basic/dependabot.yml"),
  );
  return workspace;
}

export interface FakeZizmor {
  version?: string;
  stdout?: string;
  stderr?: string;
  exitCode?: number;
}

/**
 * A zizmor stand-in: a shell script that prints canned output and exits with zizmor's codes. It
 * appends its arguments and whether it saw a token to `$FAKE_ZIZMOR_RECORD` when that is set.
 */
export function fakeZizmorFolder(fake: FakeZizmor): string {
  const folder = mkdtempSync(join(tmpdir(), "sg-fake-zizmor-"));
  writeFileSync(join(folder, "version.txt"), `zizmor ${fake.version ?? "1.30.1"}\n`);
  writeFileSync(join(folder, "stdout.txt"), fake.stdout ?? "[]");
  writeFileSync(join(folder, "stderr.txt"), fake.stderr ?? "");
  writeFileSync(join(folder, "exit-code"), String(fake.exitCode ?? 0));
  // Every archive differs, so no test can pick up another test's digest or attestation.
  writeFileSync(join(folder, "nonce"), randomBytes(16).toString("hex"));
  const script = [
    "#!/bin/sh",
    'here=$(dirname "$0")',
    'if [ "$1" = "--version" ]; then cat "$here/version.txt"; exit 0; fi',
    'if [ -n "$FAKE_ZIZMOR_RECORD" ]; then',
    '  printf "%s\\n" "$@" > "$FAKE_ZIZMOR_RECORD"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in the script
    '  printf "token=%s\\n" "${GH_TOKEN:+present}" >> "$FAKE_ZIZMOR_RECORD"',
    "fi",
    'cat "$here/stdout.txt"',
    'cat "$here/stderr.txt" >&2',
    'exit "$(cat "$here/exit-code")"',
    "",
  ].join("\n");
  writeFileSync(join(folder, "zizmor"), script);
  chmodSync(join(folder, "zizmor"), 0o755);
  return folder;
}

/** The fake packed as a release archive (tar.gz with `zizmor` at the top), and its sha256. */
export function fakeArchive(fake: FakeZizmor): { bytes: Buffer; sha256: string } {
  const folder = fakeZizmorFolder(fake);
  const archive = join(mkdtempSync(join(tmpdir(), "sg-fake-archive-")), "zizmor.tar.gz");
  execFileSync("tar", ["-czf", archive, "-C", folder, "."]);
  const bytes = readFileSync(archive);
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** An HTTP server on 127.0.0.1 serving files by path, counting requests. */
export class FileServer {
  readonly files = new Map<string, Buffer>();
  readonly requests: string[] = [];
  private readonly server: Server;

  private constructor(server: Server) {
    this.server = server;
  }

  static async start(): Promise<FileServer> {
    const server = createServer();
    const files = new FileServer(server);
    server.on("request", (request, response) => {
      const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
      files.requests.push(path);
      const body = files.files.get(path);
      response.writeHead(body ? 200 : 404).end(body ?? "not found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return files;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Serves `bytes` where the release layout puts a version's asset. */
  release(version: string, asset: string, bytes: Buffer): void {
    this.files.set(`/releases/download/v${version}/${asset}`, bytes);
  }

  get releaseTemplate(): string {
    return `${this.url}/releases/download/v{version}/{asset}`;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A finding in .github/workflows/ci.yml at `line`, for logic tests. */
export function syntheticFinding(
  severity: Severity,
  line: number,
  overrides: Partial<Finding> = {},
): Finding {
  const primary: FindingLocation = {
    key: {
      kind: "local",
      printedPath: "./.github/workflows/ci.yml",
      path: ".github/workflows/ci.yml",
    },
    annotation: "here",
    route: `jobs.build.steps[${line}]`,
    feature: `feature ${line}`,
    comments: [],
    line,
    column: 3,
    endLine: line,
    endColumn: 10,
  };
  return {
    audit: `audit-${severity}`,
    description: `a ${severity} problem`,
    url: `https://docs.zizmor.sh/audits/#audit-${severity}`,
    severity,
    confidence: "high",
    persona: "Regular",
    ignored: false,
    primary,
    related: [],
    locations: [primary],
    ...overrides,
  };
}
