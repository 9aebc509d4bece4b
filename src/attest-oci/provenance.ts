import { readFile } from "node:fs/promises";
import { workflowPathOf } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import { SLSA_PROVENANCE_V1 } from "../core/sigstore/index.ts";

const GITHUB_BUILD_TYPE = "https://actions.github.io/buildtypes/workflow/v1";

/** The claims of a GitHub Actions ID token that provenance is built from. */
export interface RunClaims {
  repository: string;
  ref: string;
  sha: string;
  workflow_ref: string;
  job_workflow_ref: string;
  run_id: string;
  run_attempt: string;
  event_name: string;
  repository_id: string;
  repository_owner_id: string;
  runner_environment: string;
  repository_visibility?: string;
}

const REQUIRED = [
  "repository",
  "ref",
  "sha",
  "workflow_ref",
  "job_workflow_ref",
  "run_id",
  "run_attempt",
  "event_name",
  "repository_id",
  "repository_owner_id",
  "runner_environment",
] as const;

/** The payload of a JWT; Fulcio checks its signature, this only reads what it says. */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("the ID token is not a JWT");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

export function runClaims(claims: Record<string, unknown>): RunClaims {
  const missing = REQUIRED.filter((name) => claims[name] === undefined || claims[name] === "");
  if (missing.length > 0) throw new Error(`the ID token lacks the claims ${missing.join(", ")}`);
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [name, String(value)]),
  ) as unknown as RunClaims;
}

/**
 * SLSA build provenance v1 with GitHub's workflow build type, as `actions/attest-build-provenance`
 * writes it: the workflow (repository, path, ref), the commit, the builder (the job's workflow)
 * and the run (id and attempt).
 */
export function slsaProvenance(claims: RunClaims, serverUrl: string): Record<string, unknown> {
  const workflowPath = workflowPathOf(claims.workflow_ref);
  return {
    buildDefinition: {
      buildType: GITHUB_BUILD_TYPE,
      externalParameters: {
        workflow: {
          ref: claims.ref,
          repository: `${serverUrl}/${claims.repository}`,
          path: workflowPath,
        },
      },
      internalParameters: {
        github: {
          event_name: claims.event_name,
          repository_id: claims.repository_id,
          repository_owner_id: claims.repository_owner_id,
          runner_environment: claims.runner_environment,
        },
      },
      resolvedDependencies: [
        {
          uri: `git+${serverUrl}/${claims.repository}@${claims.ref}`,
          digest: { gitCommit: claims.sha },
        },
      ],
    },
    runDetails: {
      builder: { id: `${serverUrl}/${claims.job_workflow_ref}` },
      metadata: {
        invocationId: `${serverUrl}/${claims.repository}/actions/runs/${claims.run_id}/attempts/${claims.run_attempt}`,
      },
    },
  };
}

export interface PredicateChoice {
  predicateType: string | undefined;
  predicatePath: string | undefined;
}

/** The statement's predicate: SLSA provenance by default, or a custom one read from a file. */
export async function choosePredicate(
  choice: PredicateChoice,
  claims: RunClaims,
  serverUrl: string,
  label: (name: string) => string = (name) => `input '${name}'`,
): Promise<{ predicateType: string; predicate: Record<string, unknown> }> {
  const custom = await customPredicate(choice, label);
  return (
    custom ?? { predicateType: SLSA_PROVENANCE_V1, predicate: slsaProvenance(claims, serverUrl) }
  );
}

/**
 * The custom predicate `predicate-type` and `predicate-path` name, read and checked (a dry run
 * checks it too), or undefined for SLSA provenance, which is built from the run's claims.
 */
export async function customPredicate(
  choice: PredicateChoice,
  label: (name: string) => string = (name) => `input '${name}'`,
): Promise<{ predicateType: string; predicate: Record<string, unknown> } | undefined> {
  const { predicateType, predicatePath } = choice;
  if (!predicatePath) {
    if (predicateType && predicateType !== SLSA_PROVENANCE_V1) {
      throw new ConfigurationError(
        `${label("predicate-type")} is '${predicateType}' but ${label("predicate-path")} is empty; give the predicate file, or leave both empty for SLSA provenance`,
      );
    }
    return undefined;
  }
  if (!predicateType) {
    throw new ConfigurationError(
      `${label("predicate-path")} is set but ${label("predicate-type")} is empty; name the predicate's type URI`,
    );
  }
  let text: string;
  try {
    text = await readFile(predicatePath, "utf8");
  } catch {
    throw new ConfigurationError(`${label("predicate-path")}: cannot read '${predicatePath}'`);
  }
  let predicate: unknown;
  try {
    predicate = JSON.parse(text);
  } catch {
    throw new ConfigurationError(`${label("predicate-path")}: '${predicatePath}' is not JSON`, {
      file: predicatePath,
    });
  }
  if (typeof predicate !== "object" || predicate === null || Array.isArray(predicate)) {
    throw new ConfigurationError(
      `${label("predicate-path")}: '${predicatePath}' is not a JSON object`,
    );
  }
  return { predicateType, predicate: predicate as Record<string, unknown> };
}
