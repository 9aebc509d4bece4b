import { runAction } from "../core/action.ts";
import { Inputs } from "../core/inputs.ts";
import { diskWorkflowFiles } from "./files.ts";
import { DEFAULT_POLICY_PATH } from "./policy.ts";
import { defaultArtifactPath, publish } from "./publish.ts";
import { DEFAULT_WORKFLOW_PATHS, run } from "./run.ts";

await runAction("permissions", async () => {
  const read = new Inputs();
  const inputs = {
    paths: read.list("paths", DEFAULT_WORKFLOW_PATHS),
    policyPath: read.string("policy", DEFAULT_POLICY_PATH),
    fix: read.boolean("fix", false),
    failOn: read.enumeration("fail-on", ["error", "warning", "note", "never"], "error"),
  };
  const sarifFile =
    read.optional("sarif-file") ?? defaultArtifactPath("status-gate-permissions.sarif");
  const result = await run(inputs, { files: diskWorkflowFiles(process.cwd()) });
  publish(result, {
    failOn: inputs.failOn,
    sarifFile,
    patchFile: defaultArtifactPath("status-gate-permissions.patch"),
  });
});
