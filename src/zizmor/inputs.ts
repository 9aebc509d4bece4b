/** Every input of actions/zizmor, read and checked before anything is installed or run. */
import { ConfigurationError } from "../core/errors.ts";
import type { Inputs } from "../core/inputs.ts";
import { didYouMean } from "../core/text.ts";
import { parseLevels } from "./annotations.ts";
import { FAIL_ON } from "./gate.ts";
import { COLLECT, MIN_CONFIDENCES, MIN_SEVERITIES, PERSONAS } from "./invoke.ts";
import type { ZizmorInputs } from "./run.ts";
import { DEFAULT_DOWNLOAD_URL, DEFAULT_VERSION, parseSha256 } from "./versions.ts";

export function readInputs(inputs: Inputs): ZizmorInputs {
  const sha256 = inputs.optional("sha256");
  const minSeverity = inputs.optional("min-severity");
  const minConfidence = inputs.optional("min-confidence");
  return {
    install: {
      version: inputs.string("version", DEFAULT_VERSION),
      sha256: sha256 === undefined ? undefined : parseSha256(sha256, inputs.label("sha256")),
      downloadUrl: inputs.string("download-url", DEFAULT_DOWNLOAD_URL),
      zizmorPath: inputs.optional("zizmor-path"),
      attestation: inputs.enumeration("verify-attestation", ["auto", "required", "off"], "auto"),
      label: inputs.label,
    },
    zizmor: {
      inputs: inputs.list("inputs", ["."]),
      persona: inputs.enumeration("persona", PERSONAS, "regular"),
      minSeverity:
        minSeverity === undefined
          ? undefined
          : inputs.enumeration("min-severity", MIN_SEVERITIES, "low"),
      minConfidence:
        minConfidence === undefined
          ? undefined
          : inputs.enumeration("min-confidence", MIN_CONFIDENCES, "low"),
      config: inputs.optional("config"),
      collect: inputs.list("collect").map((value) => oneOf(inputs, "collect", value, COLLECT)),
      // A workflow zizmor cannot parse is a workflow nobody audited: fail unless told otherwise.
      strictCollection: inputs.boolean("strict-collection", true),
      noIgnores: inputs.boolean("no-ignores", false),
      onlineAudits: inputs.boolean("online-audits", false),
      cacheDir: inputs.optional("cache-dir"),
    },
    token: inputs.optional("token"),
    failOn: inputs.enumeration("fail-on", FAIL_ON, "high"),
    newFindingsOnly: inputs.enumeration(
      "new-findings-only",
      ["off", "changed-lines", "baseline"],
      "off",
    ),
    baselineFile: inputs.optional("baseline-file"),
    ignoresFromBase: inputs.boolean("ignores-from-base", true),
    levels: parseLevels(inputs.list("annotation-levels"), inputs.label),
    trustedRoot: inputs.optional("trusted-root"),
    checkRun: inputs.boolean("check-run", false),
    checkName: inputs.string("check-name", "zizmor"),
    sarifFile: inputs.optional("sarif-file"),
    summary: inputs.boolean("summary", true),
    label: inputs.label,
  };
}

/** One item of a list input checked against its allowed values. */
function oneOf<T extends string>(
  inputs: Inputs,
  name: string,
  value: string,
  allowed: readonly T[],
): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(
    `${inputs.label(name)} has '${value}'; valid values are ${allowed.map((a) => `'${a}'`).join(", ")}${didYouMean(value, allowed)}`,
  );
}
