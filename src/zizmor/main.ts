import { runAction } from "../core/action.ts";
import { Inputs } from "../core/inputs.ts";
import { readInputs } from "./inputs.ts";
import { run } from "./run.ts";
import { systemDeps } from "./system.ts";

await runAction("zizmor", async () => {
  await run(readInputs(new Inputs()), systemDeps());
});
