import { runAction } from "../core/action.ts";
import { createGitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { annotate, info, setOutput } from "../core/log.ts";
import {
  localGit,
  readEvent,
  runContextFromEnvironment,
  stickyComment,
  toolVersions,
} from "./context.ts";
import { readBenchInputs } from "./inputs.ts";
import { writeReportFile } from "./report-file.ts";
import { run } from "./run.ts";
import { SITE_ASSETS } from "./site-assets.ts";
import { openStore } from "./store.ts";

await runAction("bench", async () => {
  const inputs = new Inputs();
  const event = readEvent(process.env);
  const settings = readBenchInputs(inputs, event);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const storage = inputs.optional("storage");
  const context = runContextFromEnvironment(
    process.env,
    event,
    cwd,
    await toolVersions(inputs.list("tool-versions")),
    inputs.optional("machine"),
  );
  const token = inputs.optional("token");
  const pullRequest = context.metadata.pullRequest;
  const outcome = await run(settings, context, {
    storage: storage
      ? await openStore(
          storage,
          {
            region: inputs.optional("s3-region"),
            endpoint: inputs.optional("s3-endpoint"),
            pathStyle: inputs.boolean("s3-path-style", false),
          },
          cwd,
        )
      : undefined,
    git: localGit(cwd),
    comments:
      token && pullRequest !== null
        ? stickyComment(createGitHubClient({ token }), context.metadata.repository, pullRequest)
        : undefined,
    assets: SITE_ASSETS,
    log: info,
    writeSummary: (summary) => summary.write(),
  });
  setOutput("verdict", outcome.regressions > 0 ? "regressed" : "pass");
  setOutput("regressions", String(outcome.regressions));
  setOutput("base-commit", outcome.base?.commit ?? "");
  setOutput("run-key", outcome.runKey ?? "");
  setOutput("report", writeReportFile(process.env.RUNNER_TEMP ?? cwd, outcome));
  if (outcome.failed) {
    annotate({
      level: "error",
      title: "bench regression",
      message: `${outcome.regressions} benchmark regression(s); see the job summary`,
    });
    process.exitCode = 1;
  }
});
