import { runAction } from "../core/action.ts";
import { pullRequestBaseRevision } from "../core/base-revision.ts";
import { createGitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { notePolicyFromBase, withBasePolicy } from "./base-policy.ts";
import { diskWorkflowFiles } from "./files.ts";
import { readPermissionsInputs } from "./inputs.ts";
import { defaultArtifactPath, permissionsOutcome } from "./outcome.ts";
import { run } from "./run.ts";

await runAction("permissions", async (context) => {
  const read = new Inputs();
  const inputs = readPermissionsInputs(read);
  const notes: string[] = [];
  const files = diskWorkflowFiles(context.workspace);
  const base = read.boolean("policy-from-base", true)
    ? pullRequestBaseRevision(
        context,
        () =>
          createGitHubClient({ token: read.optional("token") ?? "", tokenSource: "input 'token'" }),
        "set 'policy-from-base: false' to read the pull request's own policy",
      )
    : undefined;
  const result = await run(inputs, {
    files: base ? withBasePolicy(files, inputs.policyPath, base, notes) : files,
  });
  const outcome = permissionsOutcome(result, {
    failOn: inputs.failOn,
    sarifFile:
      read.optional("sarif-file") ??
      defaultArtifactPath("status-gate-permissions.sarif", context.temp),
    patchFile: defaultArtifactPath("status-gate-permissions.patch", context.temp),
    links: { serverUrl: context.urls.server, repository: context.repositoryName, sha: context.sha },
  });
  notePolicyFromBase(outcome, notes);
  return outcome;
});
