import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{EXIT,paint,parseCommandLine}from"./chunk-ESJCWXWU.js";import{LocalGit,decideSchedule,loadConfig,parseInstant,planJson,planRelease}from"./chunk-6H7P2CYJ.js";import"./chunk-PAQZEVQE.js";import"./chunk-CEW3ZPDB.js";import"./chunk-3X5X4UQ4.js";import"./chunk-W7KMRGEN.js";import"./chunk-CWLFIQJ7.js";import"./chunk-2UA7A23I.js";import{ConfigurationError}from"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";import{resolve}from"node:path";var HELP=`Usage: status-gate train plan --repo <dir> [--config <file>] [--now <ISO time>] [--format text|json]

Shows what the release train would do at a moment, from the repository's local history, and
changes nothing: whether a train is due, which slot, and each component's next version.

Options:
  --repo <dir>       the repository (a full clone; default: the current directory)
  --config <file>    the train configuration, relative to --repo (default .github/train.yml)
  --now <ISO time>   the moment to plan for (default: now), with Z or an offset, e.g.
                     2026-12-01T16:00:00Z or 2026-12-01T17:00:00+01:00; a time without
                     one is refused (it would depend on this machine's time zone)
  --format <f>       text (default) or json:
                     {"due","slot","reason","cutoff","components":[{"name","path","kind",
                      "previous","version","bump","commits","unparsed"}]}

Whether the slot already departed is known only to GitHub; the action checks it, this does not.`,command={name:"train",subcommands:{plan:"the release train's plan for a moment, changing nothing"},help:HELP,async run(args,io){let{values,positionals}=parseCommandLine("train",args,{repo:{type:"string"},config:{type:"string"},now:{type:"string"},format:{type:"string"}});if(positionals[0]!=="plan"||positionals.length>1)throw new ConfigurationError("train: the only subcommand is 'plan' (see 'status-gate train --help')");let format=values.format??"text";if(format!=="text"&&format!=="json")throw new ConfigurationError(`train: --format is '${format}'; use text or json`);let now=values.now===void 0?new Date:parseInstant(values.now,"train: --now"),repoDir=resolve(io.cwd,values.repo??"."),config=loadConfig(repoDir,values.config??".github/train.yml"),git=new LocalGit(repoDir);git.assertFullHistory();let decision=decideSchedule(config.schedule,now),cutoff=decision.due?git.commitAtCutoff("HEAD",decision.slot.departsAt):git.resolve("HEAD"),plan=cutoff?planRelease(git,config,cutoff):void 0,due=decision.due&&(plan?.departing.length??0)>0,reason=decision.due&&!due?"no-changes":decision.reason,report={due,slot:decision.slot?.date??null,reason,next:decision.due?null:decision.next.date,cutoff:cutoff??null,components:plan?planJson(plan):[]};if(format==="json")return io.stdout.write(`${JSON.stringify(report,null,2)}
`),EXIT.ok;let headline=due?paint(io,"green",`train ${report.slot} is due (${reason})`):paint(io,"yellow",`no departure: ${reason}${report.slot?` (slot ${report.slot})`:""}${report.next?`; next train ${report.next}`:""}`);io.stdout.write(`${headline}
`);for(let item of report.components){let change=item.bump==="none"?paint(io,"dim",`${item.version} stays`):`${item.previous??"new"} -> ${paint(io,"bold",item.version)} (${item.bump})`;io.stdout.write(`  ${item.name.padEnd(28)} ${item.kind.padEnd(8)} ${change}, ${item.commits} commit(s)
`);for(let subject of item.unparsed)io.stdout.write(`      not conventional, counted as patch: ${subject}
`)}return EXIT.ok}};export{command};
