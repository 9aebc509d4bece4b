import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{EXIT,inertStream}from"./chunks/chunk-QP43N2XH.js";import{version}from"./chunks/chunk-3AZCNE4E.js";import{withoutPrefix}from"./chunks/chunk-5PH2PAOY.js";import{useProxyFromEnvironment}from"./chunks/chunk-LU4XBBD3.js";import{didYouMean}from"./chunks/chunk-4UE7WLFC.js";import{describeThrown,isConfigurationError}from"./chunks/chunk-XE2AMHIM.js";import"./chunks/chunk-JBATZDQL.js";var COMMANDS={permissions:{summary:"check (and fix) GITHUB_TOKEN permissions in workflows",load:()=>import("./chunks/cli-VF325R5A.js").then(m=>m.command)},bench:{summary:"read, compare and store benchmark results; build the dashboard",load:()=>import("./chunks/cli-TOP7TOAW.js").then(m=>m.command)},gate:{summary:"which rules a local diff requires; check the rules (doctor), write them (init)",load:()=>import("./chunks/cli-M4TA3OVB.js").then(m=>m.command)},zizmor:{summary:"run a verified zizmor, or render a zizmor JSON report, with a severity gate",load:()=>import("./chunks/cli-DPSWN6K3.js").then(m=>m.command)},harden:{summary:"the permissions enforcer and a verified zizmor in one run, with one verdict",load:()=>import("./chunks/cli-TALDHW6O.js").then(m=>m.command)},train:{summary:"plan the release train (due slot, next versions) from local history",load:()=>import("./chunks/cli-7FA5WHFE.js").then(m=>m.command)},attest:{summary:"attest OCI images and wasm components, or verify their attestations",load:()=>import("./chunks/cli-MKDDC6S2.js").then(m=>m.command)}};function usage(){let width=Math.max(8,...Object.keys(COMMANDS).map(name=>name.length));return`Usage: status-gate <command> [options]

The status-gate actions, run on your own machine.

Commands:
${Object.entries(COMMANDS).map(([name,{summary}])=>`  ${name.padEnd(width)}  ${summary}`).join(`
`)}

Run 'status-gate <command> --help' (or 'status-gate help <command>') for a command's options,
'status-gate --version' for the version.

Exit codes: 0 success; 1 the check ran and failed (findings, red gate, regression);
2 bad command line or configuration, or nothing to check; 3 unexpected error (a bug or the network).
`}async function runCli(args,given){let inActions=given.env.GITHUB_ACTIONS==="true",shown=(stream,inLog)=>inActions&&readByRunner(stream)?inertStream(stream,inLog):stream.isTTY?inertStream(stream,"show"):stream,io={...given,stdout:shown(given.stdout,"fence"),stderr:shown(given.stderr,"escape")};try{return await dispatch(args,io)}finally{for(let stream of[io.stdout,io.stderr])stream.flush?.()}}function readByRunner(stream){let fd=stream.fd;if(typeof fd!="number")return!0;try{let{fstatSync}=process.getBuiltinModule("node:fs");return!fstatSync(fd).isFile()}catch{return!0}}async function dispatch(args,io){if(args[0]==="help"&&args[1]!==void 0)return dispatch([args[1],"--help"],io);let[name,...rest]=args;if(name==="--version"||name==="-V"||name==="version")return io.stdout.write(`status-gate ${version()}
`),EXIT.ok;if(name===void 0||name==="--help"||name==="-h"||name==="help")return io.stdout.write(usage()),name===void 0?EXIT.usage:EXIT.ok;let entry=COMMANDS[name];if(!entry){let hint=didYouMean(name,Object.keys(COMMANDS));return io.stderr.write(`status-gate: unknown command '${name}'${hint}

${usage()}`),EXIT.usage}try{useProxyFromEnvironment(io.env);let command=await entry.load();if(rest.includes("--help")||rest.includes("-h"))return io.stdout.write(command.help.endsWith(`
`)?command.help:`${command.help}
`),EXIT.ok;let subcommands=command.subcommands,typed=rest[0];if(subcommands&&!typed?.startsWith("-")&&!Object.hasOwn(subcommands,typed??"")){let width=Math.max(...Object.keys(subcommands).map(sub=>sub.length)),list=Object.entries(subcommands).map(([sub,summary])=>`  ${sub.padEnd(width)}  ${summary}`).join(`
`),problem=typed===void 0?`status-gate ${name} needs a subcommand`:`status-gate ${name}: unknown subcommand '${typed}'${didYouMean(typed,Object.keys(subcommands))}`;return io.stderr.write(`${problem}:
${list}

Run 'status-gate ${name} --help' for the options.
`),EXIT.usage}return await command.run(rest,io)}catch(thrown){if(isConfigurationError(thrown))return io.stderr.write(`status-gate ${name}: ${withoutPrefixes(name,thrown.message)}
`),EXIT.usage;let stack=thrown instanceof Error&&thrown.stack?thrown.stack:describeThrown(thrown);return io.stderr.write(`status-gate ${name}: unexpected error
${stack}
`),EXIT.internal}}var ACTION_NAMES={train:"train-release",attest:"attest-oci"};function withoutPrefixes(command,message){let text=withoutPrefix(command,message),action=ACTION_NAMES[command];return action&&(text=withoutPrefix(action,text)),text}for(let stream of[process.stdout,process.stderr])stream.on("error",error=>{if(!(error.code==="EPIPE"||error.code==="ERR_STREAM_DESTROYED"))throw error});process.exitCode=await runCli(process.argv.slice(2),{stdout:process.stdout,stderr:process.stderr,color:!!process.stdout.isTTY&&!process.env.NO_COLOR,cwd:process.cwd(),env:process.env});
