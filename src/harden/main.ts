import { runAction } from "../core/action.ts";
import type { GitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { info } from "../core/log.ts";
import { hardenDeps } from "./deps.ts";
import { readHardenInputs } from "./inputs.ts";
import { run } from "./run.ts";

let github: (() => GitHubClient) | undefined;

await runAction(
  "harden",
  (context) => {
    const machine = hardenDeps(context, {
      token: { value: new Inputs().optional("token"), source: "input 'token'" },
      policyOptOut:
        "set 'permissions-policy-from-base: false' to read the pull request's own policy",
      log: info,
    });
    github = machine.github;
    return run(readHardenInputs(), machine.deps);
  },
  { github: () => (github as () => GitHubClient)() },
);
