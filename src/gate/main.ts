import { Inputs } from "../core/inputs.ts";
import { startFirstPoll } from "./early.ts";
import { readGateInputs } from "./inputs.ts";

// The first API requests leave before @actions/core (and the undici it bundles) is parsed; the
// rest of the gate loads while GitHub answers. bench/gate.ts measures this.
const early = startFirstPoll(process.env);
// Evaluating a large module blocks the event loop, which would hold the requests back.
await early?.firstSent;
const { runAction } = await import("../core/action.ts");
await runAction("gate", async (context) => {
  const inputs = readGateInputs(new Inputs(), context);
  const [{ run }, { actionDeps }] = await Promise.all([import("./run.ts"), import("./deps.ts")]);
  return run(inputs, actionDeps(inputs, context, early));
});
