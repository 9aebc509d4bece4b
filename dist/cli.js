import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
var ConfigurationError=class extends Error{name="ConfigurationError";position;constructor(message,position){super(message),this.position=position}};function isConfigurationError(error){return error instanceof ConfigurationError}function describeThrown(thrown){if(thrown instanceof Error)return thrown.message||thrown.name;if(typeof thrown=="string")return thrown;try{return JSON.stringify(thrown)??String(thrown)}catch{return String(thrown)}}var EXIT={ok:0,failed:1,usage:2,internal:3};var COMMANDS={};function usage(){let width=Math.max(8,...Object.keys(COMMANDS).map(name=>name.length));return`Usage: status-gate <command> [options]

The status-gate actions, run on your own machine.

Commands:
${Object.entries(COMMANDS).map(([name,{summary}])=>`  ${name.padEnd(width)}  ${summary}`).join(`
`)}

Run 'status-gate <command> --help' for a command's options.

Exit codes: 0 success; 1 the check ran and failed (findings, red gate, regression);
2 bad command line or configuration; 3 unexpected error (a bug or the network).
`}async function runCli(args,io){let[name,...rest]=args;if(name===void 0||name==="--help"||name==="-h"||name==="help")return io.stdout.write(usage()),name===void 0?EXIT.usage:EXIT.ok;let entry=COMMANDS[name];if(!entry)return io.stderr.write(`status-gate: unknown command '${name}'

${usage()}`),EXIT.usage;try{let command=await entry.load();return rest.includes("--help")||rest.includes("-h")?(io.stdout.write(command.help.endsWith(`
`)?command.help:`${command.help}
`),EXIT.ok):await command.run(rest,io)}catch(thrown){if(isConfigurationError(thrown))return io.stderr.write(`status-gate ${name}: ${thrown.message}
`),EXIT.usage;let stack=thrown instanceof Error&&thrown.stack?thrown.stack:describeThrown(thrown);return io.stderr.write(`status-gate ${name}: unexpected error
${stack}
`),EXIT.internal}}process.exitCode=await runCli(process.argv.slice(2),{stdout:process.stdout,stderr:process.stderr,color:!!process.stdout.isTTY&&!process.env.NO_COLOR,cwd:process.cwd(),env:process.env});
