import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{EXIT}from"./chunks/chunk-SEDZDGID.js";import{describeThrown,isConfigurationError}from"./chunks/chunk-XE2AMHIM.js";import"./chunks/chunk-JBATZDQL.js";var COMMANDS={permissions:{summary:"check (and fix) GITHUB_TOKEN permissions in workflows",load:()=>import("./chunks/cli-CEJRWBIN.js").then(m=>m.command)},bench:{summary:"read, compare and store benchmark results; build the dashboard",load:()=>import("./chunks/cli-JK6ZQ3IW.js").then(m=>m.command)},gate:{summary:"which rules (required checks) apply to a local diff, and why",load:()=>import("./chunks/cli-ZDSXKMUT.js").then(m=>m.command)},zizmor:{summary:"run a verified zizmor, or render a zizmor JSON report, with a severity gate",load:()=>import("./chunks/cli-UMMDSPY2.js").then(m=>m.command)},train:{summary:"plan the release train (due slot, next versions) from local history",load:()=>import("./chunks/cli-7444IWR6.js").then(m=>m.command)},attest:{summary:"attest OCI images and wasm components, or verify their attestations",load:()=>import("./chunks/cli-SX4BSJZX.js").then(m=>m.command)}};function usage(){let width=Math.max(8,...Object.keys(COMMANDS).map(name=>name.length));return`Usage: status-gate <command> [options]

The status-gate actions, run on your own machine.

Commands:
${Object.entries(COMMANDS).map(([name,{summary}])=>`  ${name.padEnd(width)}  ${summary}`).join(`
`)}

Run 'status-gate <command> --help' (or 'status-gate help <command>') for a command's options.

Exit codes: 0 success; 1 the check ran and failed (findings, red gate, regression);
2 bad command line or configuration; 3 unexpected error (a bug or the network).
`}async function runCli(args,io){if(args[0]==="help"&&args[1]!==void 0)return runCli([args[1],"--help"],io);let[name,...rest]=args;if(name===void 0||name==="--help"||name==="-h"||name==="help")return io.stdout.write(usage()),name===void 0?EXIT.usage:EXIT.ok;let entry=COMMANDS[name];if(!entry)return io.stderr.write(`status-gate: unknown command '${name}'

${usage()}`),EXIT.usage;try{let command=await entry.load();return rest.includes("--help")||rest.includes("-h")?(io.stdout.write(command.help.endsWith(`
`)?command.help:`${command.help}
`),EXIT.ok):await command.run(rest,io)}catch(thrown){if(isConfigurationError(thrown))return io.stderr.write(`status-gate ${name}: ${thrown.message}
`),EXIT.usage;let stack=thrown instanceof Error&&thrown.stack?thrown.stack:describeThrown(thrown);return io.stderr.write(`status-gate ${name}: unexpected error
${stack}
`),EXIT.internal}}process.exitCode=await runCli(process.argv.slice(2),{stdout:process.stdout,stderr:process.stderr,color:!!process.stdout.isTTY&&!process.env.NO_COLOR,cwd:process.cwd(),env:process.env});
