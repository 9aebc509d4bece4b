import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestRepository } from "../harness/git.ts";
import {
  type GitHubSimulator,
  type RepositoryState,
  startGitHubSimulator,
} from "../harness/github-sim/index.ts";

/**
 * A checkout, its `origin` (a bare repository) and the GitHub simulator, kept in step the way
 * GitHub is: every push to origin makes its commits and branch known to the API (a
 * post-receive hook posts them to a listener in the test process).
 */
export interface TrainWorld extends AsyncDisposable {
  repo: TestRepository;
  origin: string;
  sim: GitHubSimulator;
  github: RepositoryState;
  /** Copies local commits and tags into the simulator (what `git push --tags` would do). */
  publishLocal(): void;
  /** `git push origin <refspec>` without blocking the listener that hears the push. */
  push(refspec: string): Promise<void>;
}

export async function trainWorld(
  repo: TestRepository,
  options: { now?: () => Date; repository?: string } = {},
): Promise<TrainWorld> {
  const sim = await startGitHubSimulator(options.now ? { now: options.now } : {});
  const [owner, name] = (options.repository ?? "wasmcloud/wasmcloud").split("/") as [
    string,
    string,
  ];
  const github = sim.state.addRepository({ owner, name });
  const origin = mkdtempSync(join(tmpdir(), "sg-origin-"));
  execFileSync("git", ["clone", "--quiet", "--bare", repo.path, origin]);
  repo.git("remote", "add", "origin", origin);
  const listener = await listen((body) => {
    const [ref = "", ...lines] = body.split("\n").filter(Boolean);
    addCommits(github, lines);
    const [, sha] = ref.split(" ");
    if (ref.startsWith("refs/heads/") && sha) github.setBranch(ref.split(" ")[0]!.slice(11), sha);
  });
  const hook = join(origin, "hooks", "post-receive");
  writeFileSync(
    hook,
    `#!/bin/sh
while read old new ref; do
  { echo "$ref $new"; git rev-list --parents "$new"; } | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>fetch("${listener.url}",{method:"POST",body:s}).then(r=>r.text()))'
done
`,
  );
  chmodSync(hook, 0o755);
  const publishLocal = () => {
    addCommits(github, repo.git("rev-list", "--parents", "--all").split("\n"));
    github.setBranch("main", repo.git("rev-parse", "main"));
    const tags = repo.git(
      "for-each-ref",
      "--format=%(refname:strip=2) %(*objectname) %(objectname)",
      "refs/tags",
    );
    for (const line of tags.split("\n").filter(Boolean)) {
      const [name = "", peeled = "", object = ""] = line.split(" ");
      if (!github.refs.has(`refs/tags/${name}`)) github.addTag({ name, sha: peeled || object });
    }
  };
  publishLocal();
  return {
    repo,
    origin,
    sim,
    github,
    publishLocal,
    async push(refspec) {
      await run("git", ["push", "--quiet", "origin", refspec], { cwd: repo.path });
    },
    async [Symbol.asyncDispose]() {
      listener.server.close();
      await sim.close();
      rmSync(origin, { recursive: true, force: true });
      repo[Symbol.dispose]();
    },
  };
}

const run = promisify(execFile);

/** Oldest first, so every parent exists before its children. */
function addCommits(github: RepositoryState, lines: readonly string[]): void {
  for (const line of [...lines].reverse()) {
    const [sha = "", ...parents] = line.split(" ");
    if (!sha || github.commits.has(sha)) continue;
    github.addCommit({ sha, parents, message: `commit ${sha.slice(0, 7)}` });
  }
}

async function listen(onBody: (body: string) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      onBody(body);
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}
