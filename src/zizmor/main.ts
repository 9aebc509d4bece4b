import { runAction } from "../core/action.ts";
import type { GitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { readInputs } from "./inputs.ts";
import { run } from "./run.ts";
import { systemDeps } from "./system.ts";

let github: (() => GitHubClient) | undefined;

await runAction(
  "zizmor",
  async (context) => {
    const inputs = readInputs(new Inputs());
    const deps = systemDeps({ value: inputs.token, source: "input 'token'" }, context);
    github = deps.github;
    return run(inputs, deps);
  },
  { github: () => (github as () => GitHubClient)() },
);
