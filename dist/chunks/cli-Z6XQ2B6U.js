import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{EXIT,paint,parseCommandLine}from"./chunk-X5P2RKAJ.js";import{DEFAULT_POLICY_PATH,DEFAULT_WORKFLOW_PATHS,SEVERITIES,diskWorkflowFiles,run,toJson,toSarif,toText}from"./chunk-2NFXO7VU.js";import"./chunk-CEW3ZPDB.js";import"./chunk-NG7DISKE.js";import"./chunk-CGYWZP3K.js";import"./chunk-7P6TAAYJ.js";import"./chunk-VGZYQALV.js";import{ConfigurationError}from"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";var FORMATS=["text","json","sarif"],THRESHOLDS=[...SEVERITIES,"never"],command={name:"permissions",help:`Usage: status-gate permissions [options] [paths...]

Checks that every workflow sets 'permissions: {}' at the top level and that every job grants
exactly the scopes it needs. Paths are workflow files or folders (default: .github/workflows).

Options:
  --fix                  add the missing blocks in place (comments and layout are kept);
                         with --format json or sarif the patch goes to standard error
  --format FORMAT        text (default), json or sarif
  --policy FILE          policy file (default: ${DEFAULT_POLICY_PATH}, if present)
  --fail-on LEVEL        error (default), warning, note or never
  -h, --help             show this help

Exit codes: 0 no finding at the threshold; 1 findings at the threshold; 2 bad command line or
policy file; 3 unexpected error.
`,async run(args,io){let{values,positionals}=parseCommandLine("permissions",args,{fix:{type:"boolean"},format:{type:"string"},policy:{type:"string"},"fail-on":{type:"string"}}),format=oneOf("--format",values.format??"text",FORMATS),failOn=oneOf("--fail-on",values["fail-on"]??"error",THRESHOLDS),result=await run({paths:positionals.length>0?positionals:DEFAULT_WORKFLOW_PATHS,policyPath:values.policy??DEFAULT_POLICY_PATH,fix:values.fix??!1,failOn},{files:diskWorkflowFiles(io.cwd)});if(result.policyProblems.length>0){for(let problem of result.policyProblems){let{line,column}=problem.position;io.stderr.write(`${paint(io,"red","policy error")} ${line}:${column}: ${problem.message}
`)}return EXIT.usage}return format==="json"?io.stdout.write(toJson(result)):format==="sarif"?io.stdout.write(toSarif(result)):io.stdout.write(toText(result)),format!=="text"&&result.patch&&io.stderr.write(result.patch),result.failed?EXIT.failed:EXIT.ok}};function oneOf(option,value,allowed){if(allowed.includes(value))return value;throw new ConfigurationError(`${option} is '${value}'; valid values are ${allowed.join(", ")} (see 'status-gate permissions --help')`)}export{command};
