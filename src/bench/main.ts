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
import { readActionSettings } from "./inputs.ts";
import { writeReportFile } from "./report-file.ts";
import { run } from "./run.ts";
import { SITE_ASSETS } from "./site-assets.ts";
import { openStore } from "./store.ts";

await runAction("bench", async () => {
  const event = readEvent(process.env);
  const settings = readActionSettings(new Inputs(), event);
  const cwd = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const tools = await toolVersions(settings.toolVersions);
  const context = runContextFromEnvironment(process.env, event, cwd, tools, settings.machine);
  const pullRequest = context.metadata.pullRequest;
  const outcome = await run(settings.bench, context, {
    storage:
      settings.storage && (await openStore(settings.storage.location, settings.storage.s3, cwd)),
    git: localGit(cwd),
    comments:
      settings.token && pullRequest !== null
        ? stickyComment(
            createGitHubClient({ token: settings.token }),
            context.metadata.repository,
            pullRequest,
          )
        : undefined,
    assets: SITE_ASSETS,
    log: info,
    warn: (message) => annotate({ level: "warning", title: "bench comment", message }),
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
