import { startGitHubSimulator } from "./index.ts";

const t0 = performance.now();
const sim = await startGitHubSimulator({ failOnViolations: false });
console.log("start ms", (performance.now() - t0).toFixed(1));
const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
const main = repo.branch("main")!;
const pr = repo.addPullRequest({
  head: "feature",
  files: ["a.ts", { filename: "b.ts", status: "added", additions: 3, patch: "@@ +1 @@" }],
});
repo.addCheckRun({ name: "build", headSha: pr.head.sha, conclusion: "success" });
repo.addStatus({ sha: pr.head.sha, context: "ci/legacy", state: "pending" });
const run = repo.addWorkflowRun({
  headSha: pr.head.sha,
  headBranch: "feature",
  pullRequests: [pr.number],
});
repo.addJob({ runId: run.id, name: "test", status: "in_progress", steps: [{ name: "checkout" }] });
repo.addRelease({ tagName: "v1.0.0" });
repo.addIssueComment({ issueNumber: pr.number, body: "hi" });
const h = { authorization: `token ${sim.token}`, "content-type": "application/json" };
async function call(method: string, path: string, body?: unknown) {
  const t = performance.now();
  const r = await fetch(sim.url + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  console.log(
    method,
    path,
    r.status,
    (performance.now() - t).toFixed(1) + "ms",
    text.slice(0, 100).replace(/\n/g, " "),
  );
  return text ? JSON.parse(text) : undefined;
}
const o = "/repos/octo-org/app";
await call("GET", "/rate_limit");
await call("GET", o);
await call("GET", o);
await call("GET", `${o}/git/ref/heads/main`);
await call("GET", `${o}/git/matching-refs/heads`);
await call("POST", `${o}/git/refs`, { ref: "refs/heads/x", sha: main });
await call("POST", `${o}/git/refs`, { ref: "refs/heads/x", sha: main });
await call("PATCH", `${o}/git/refs/heads/x`, { sha: pr.head.sha });
const tag = await call("POST", `${o}/git/tags`, {
  tag: "v2",
  message: "m",
  object: main,
  type: "commit",
});
await call("GET", `${o}/git/tags/${tag.sha}`);
await call("GET", `${o}/git/commits/${main}`);
await call("POST", `${o}/git/commits`, { message: "m", tree: "a".repeat(40), parents: [main] });
await call("DELETE", `${o}/git/refs/heads/x`);
await call("GET", `${o}/commits/feature`);
await call("GET", `${o}/commits?sha=feature`);
await call("GET", `${o}/compare/main...feature`);
await call("GET", `${o}/pulls/${pr.number}`);
await call("GET", `${o}/pulls`);
await call("GET", `${o}/pulls/${pr.number}/files`);
repo.addCommit({ branch: "f2", parents: [main], files: ["c.ts"] });
await call("POST", `${o}/pulls`, { head: "f2", base: "main", title: "T" });
await call("PATCH", `${o}/pulls/${pr.number}`, { state: "closed" });
await call("GET", `${o}/commits/${pr.head.sha}/check-runs`);
const cr = await call("POST", `${o}/check-runs`, {
  name: "lint",
  head_sha: pr.head.sha,
  status: "in_progress",
});
await call("PATCH", `${o}/check-runs/${cr.id}`, {
  conclusion: "failure",
  output: {
    title: "t",
    summary: "s",
    annotations: [
      { path: "a.ts", start_line: 1, end_line: 1, annotation_level: "failure", message: "bad" },
    ],
  },
});
await call("GET", `${o}/check-runs/${cr.id}`);
await call("GET", `${o}/check-runs/${cr.id}/annotations`);
const suites = await call("GET", `${o}/commits/${pr.head.sha}/check-suites`);
await call("GET", `${o}/check-suites/${suites.check_suites[0].id}`);
await call("POST", `${o}/statuses/${pr.head.sha}`, { state: "success", context: "ci/x" });
await call("GET", `${o}/commits/${pr.head.sha}/statuses`);
await call("GET", `${o}/commits/${pr.head.sha}/status`);
await call("GET", `${o}/actions/runs?head_sha=${pr.head.sha}`);
await call("GET", `${o}/actions/workflows/ci.yml/runs`);
await call("GET", `${o}/actions/runs/${run.id}`);
await call("GET", `${o}/actions/runs/${run.id}/attempts/1`);
await call("GET", `${o}/actions/runs/${run.id}/jobs`);
await call("GET", `${o}/actions/runs/${run.id}/attempts/1/jobs`);
repo.updateWorkflowRun(run.id, { conclusion: "failure" });
await call("POST", `${o}/actions/runs/${run.id}/rerun`);
await call("POST", `${o}/actions/workflows/ci.yml/dispatches`, { ref: "main", inputs: { a: "1" } });
await call("POST", `${o}/actions/workflows/ci.yml/dispatches`, {
  ref: "main",
  return_run_details: true,
});
await call("POST", `${o}/releases`, { tag_name: "v1.1.0", generate_release_notes: true });
await call("GET", `${o}/releases/tags/v1.1.0`);
await call("GET", `${o}/releases/latest`);
await call("GET", `${o}/releases`);
await call("POST", `${o}/releases/generate-notes`, { tag_name: "v1.2.0" });
const rel = await call("POST", `${o}/releases`, { tag_name: "v1.3.0", draft: true });
await call("PATCH", `${o}/releases/${rel.id}`, { draft: false });
await call("GET", `${o}/releases/${rel.id}`);
await call("GET", `${o}/issues/${pr.number}/comments`);
const c = await call("POST", `${o}/issues/${pr.number}/comments`, { body: "yo" });
await call("PATCH", `${o}/issues/comments/${c.id}`, { body: "yo2" });
await call("GET", `${o}/issues/comments/${c.id}`);
await call("DELETE", `${o}/issues/comments/${c.id}`);
const payload = Buffer.from(
  JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "x", digest: { sha256: "ab".repeat(32) } }],
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: {},
  }),
).toString("base64");
await call("POST", `${o}/attestations`, {
  bundle: {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: {},
    dsseEnvelope: { payload, payloadType: "application/vnd.in-toto+json", signatures: [] },
  },
});
await call("GET", `${o}/attestations/sha256:${"ab".repeat(32)}`);
await call(
  "GET",
  `/orgs/octo-org/attestations/sha256:${"ab".repeat(32)}?predicate_type=provenance`,
);
await call("GET", `/users/octo-org/attestations/sha256:${"ab".repeat(32)}`);
const t = performance.now();
const g = await fetch(sim.graphqlUrl, {
  method: "POST",
  headers: h,
  body: JSON.stringify({
    query: `query($n:Int!){ repository(owner:"octo-org",name:"app"){ pullRequest(number:$n){ headRefOid baseRefName files(first:10){ totalCount nodes { path changeType } pageInfo { hasNextPage endCursor } } } object(expression:"feature"){ ... on Commit { oid statusCheckRollup { state contexts(first:50){ nodes { __typename ... on CheckRun { name status conclusion isRequired(pullRequestNumber:$n) } ... on StatusContext { context state } } pageInfo { hasNextPage } } } checkSuites(first:10){ nodes { status conclusion app { slug } workflowRun { databaseId } checkRuns(first:10){ nodes { name } } } } } } } }`,
    variables: { n: pr.number },
  }),
});
console.log(
  "graphql",
  (performance.now() - t).toFixed(1),
  JSON.stringify(await g.json()).slice(0, 1500),
);
console.log(sim.violations.map((v) => `${v.request} ${v.kind}: ${v.message}`).join("\n"));
await sim.close();
