import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{EXIT,oneOf,parseCommandLine,printJson}from"./chunk-QP43N2XH.js";import{DEFAULT_POLICY_PATH,diskWorkflowFiles,jsonReport,readPermissionsInputs,run,sarifLog,toText}from"./chunk-LBWVAKTE.js";import"./chunk-3R5OGZIQ.js";import"./chunk-3AZCNE4E.js";import"./chunk-44BOHC23.js";import"./chunk-PVV3FUQI.js";import"./chunk-MRIBMM7X.js";import"./chunk-APORMB7Q.js";import"./chunk-A3GUSQUC.js";import"./chunk-NVWMWPTN.js";import{Inputs}from"./chunk-63A4HO5S.js";import"./chunk-BGGWWQVF.js";import"./chunk-4UE7WLFC.js";import"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";var FORMATS=["text","json","sarif"],command={name:"permissions",help:`Usage: status-gate permissions [options] [paths...]

Checks that every workflow sets 'permissions: {}' at the top level and that a job that needs the
token grants only the scopes it needs, reading the local reusable workflows its jobs call.
Paths are workflow files or folders (default: .github/workflows).

Options:
  --fix                  write the missing blocks in place (comments and layout are kept),
                         raising calling jobs to what their reusable workflows request;
                         with --format json or sarif the patch goes to standard error
  --format FORMAT        text (default), json or sarif
  --policy FILE          policy file (default: ${DEFAULT_POLICY_PATH}, if present)
  --fail-on LEVEL        error (default), warning, note or never
  -h, --help             show this help

Exit codes: 0 no finding at the threshold; 1 findings at the threshold; 2 bad command line or
policy file, or no workflow file to check; 3 unexpected error.
`,async run(args,io){let{values,positionals}=parseCommandLine("permissions",args,{fix:{type:"boolean"},format:{type:"string"},policy:{type:"string"},"fail-on":{type:"string"}}),format=oneOf("--format",values.format??"text",FORMATS),inputs=readPermissionsInputs(Inputs.fromFlags({policy:values.policy,fix:values.fix,"fail-on":values["fail-on"]}));positionals.length>0&&(inputs.paths=positionals);let result=await run(inputs,{files:diskWorkflowFiles(io.cwd)});return format==="json"?printJson(io,jsonReport(result)):format==="sarif"?printJson(io,sarifLog(result)):io.stdout.write(toText(result)),format!=="text"&&result.patch&&io.stderr.write(result.patch),result.failed?EXIT.failed:EXIT.ok}};export{command};
