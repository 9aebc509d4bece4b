import { join } from "node:path";
import { writeFile } from "../zizmor/helpers.ts";

/**
 * A pull request's checkout that tries to excuse itself: it adds a workflow without permissions
 * and, in the same change, a permissions policy with exceptions for exactly that workflow.
 */
export function writeSelfExcusingChange(root: string): void {
  writeFile(
    join(root, ".github/workflows/new.yml"),
    "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n",
  );
  writeFile(
    join(root, ".github/permissions-policy.yml"),
    [
      "exceptions:",
      "  - rule: missing-top-level-permissions",
      "    workflow: new.yml",
      "    reason: trust me",
      "  - rule: job-missing-permissions",
      "    workflow: new.yml",
      "    reason: trust me",
      "",
    ].join("\n"),
  );
}
