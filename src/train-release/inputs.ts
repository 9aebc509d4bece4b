import type { RunnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import type { Inputs } from "../core/inputs.ts";
import { parseInstant } from "./now-input.ts";
import type { AttachHandle } from "./result.ts";
import type { TrainInputs } from "./run.ts";
import { parseVersionInput } from "./version-input.ts";

export const BUMPS = ["auto", "patch", "minor", "major", "rc"] as const;

/** The attach step: files for the drafts of a departed train, named by its `attach` output. */
export interface AttachRequest {
  handle: AttachHandle;
  /** Only this component's draft. */
  component: string | undefined;
  /** Globs of the files; each draft's configured globs when empty. */
  assets: string[];
  publish: boolean;
}

export interface ActionInputs extends TrainInputs {
  repoDir: string;
  failOnDrift: boolean;
  attach: AttachRequest | undefined;
}

/**
 * The action's inputs, checked and typed. The CLI reads its options through the same function
 * (`Inputs.fromFlags`), so a bad value is refused with the same words, naming `--flag` there.
 */
export function readTrainInputs(read: Inputs, context: RunnerContext): ActionInputs {
  const now = read.optional("now");
  const repoDir = read.string("working-directory", context.workspace);
  const attach = read.optional("attach");
  return {
    repoDir,
    workspace: repoDir,
    configPath: read.string("config", ".github/train.yml"),
    event: context.eventName || "workflow_dispatch",
    now: now === undefined ? new Date() : parseInstant(now, read.label("now")),
    force: read.boolean("force", false),
    bump: read.enumeration("bump", BUMPS, "auto"),
    versions: parseVersionInput(read.optional("version"), read.label("version")),
    versionLabel: read.label("version"),
    dryRun: read.boolean("dry-run", false),
    branch: read.string("branch", context.refName || "main"),
    runId:
      context.runId === undefined
        ? `local-${Math.floor(Date.now() / 1000)}`
        : String(context.runId),
    runAttempt: context.runAttempt,
    repositoryUrl: `${context.urls.server}/${context.repositoryName}`,
    defaultToken: false,
    failOnDrift: read.boolean("fail-on-drift", false),
    attach:
      attach === undefined
        ? undefined
        : {
            handle: parseAttachHandle(attach, read.label("attach")),
            component: read.optional("component"),
            assets: read.globs("assets"),
            publish: read.boolean("publish", false),
          },
  };
}

function parseAttachHandle(text: string, label: string): AttachHandle {
  let handle: unknown;
  try {
    handle = JSON.parse(text);
  } catch {
    handle = undefined;
  }
  const releases = (handle as AttachHandle | undefined)?.releases;
  if (
    !Array.isArray(releases) ||
    !releases.every((item) => typeof item?.release_id === "number" && typeof item.tag === "string")
  ) {
    throw new ConfigurationError(
      `${label} is not the train's attach output; pass \${{ needs.<train job>.outputs.attach }} as it is`,
    );
  }
  return handle as AttachHandle;
}
