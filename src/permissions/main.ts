import { runAction } from "../core/action.ts";
import { Inputs } from "../core/inputs.ts";
import { diskWorkflowFiles } from "./files.ts";
import { readPermissionsInputs } from "./inputs.ts";
import { defaultArtifactPath, permissionsOutcome } from "./outcome.ts";
import { run } from "./run.ts";

await runAction("permissions", async (context) => {
  const read = new Inputs();
  const inputs = readPermissionsInputs(read);
  const result = await run(inputs, { files: diskWorkflowFiles(context.workspace) });
  return permissionsOutcome(result, {
    failOn: inputs.failOn,
    sarifFile:
      read.optional("sarif-file") ??
      defaultArtifactPath("status-gate-permissions.sarif", context.temp),
    patchFile: defaultArtifactPath("status-gate-permissions.patch", context.temp),
  });
});
