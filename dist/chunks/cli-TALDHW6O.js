import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{maskOnStandardError,stringOptions}from"./chunk-RHZMQBCS.js";import{EXIT,oneOf,parseCommandLine,printOutcome}from"./chunk-QP43N2XH.js";import{HARDEN_INPUTS,hardenDeps,readHardenInputs,run}from"./chunk-PMLIBVPV.js";import"./chunk-O54EK2UN.js";import"./chunk-LBWVAKTE.js";import"./chunk-3R5OGZIQ.js";import"./chunk-3AZCNE4E.js";import"./chunk-44BOHC23.js";import"./chunk-LRYVJXQT.js";import"./chunk-57GJTSRP.js";import"./chunk-WTDHZEC7.js";import"./chunk-PVV3FUQI.js";import"./chunk-LIK3GIJ7.js";import"./chunk-5JCXWZMS.js";import{publishOutcome}from"./chunk-BWYYOL4V.js";import"./chunk-MRIBMM7X.js";import"./chunk-APORMB7Q.js";import"./chunk-A3GUSQUC.js";import"./chunk-NVWMWPTN.js";import"./chunk-5PH2PAOY.js";import{Inputs}from"./chunk-63A4HO5S.js";import"./chunk-BGGWWQVF.js";import{runnerContext}from"./chunk-DMJQHNP2.js";import"./chunk-LU4XBBD3.js";import"./chunk-4UE7WLFC.js";import"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";var FORMATS=["text","json","github"],command={name:"harden",help:`Usage: status-gate harden [options]

Runs the permissions enforcer and a verified zizmor on the checkout in the current folder, as the
actions/harden action does, with one verdict: it fails when either check fails. Every input of the
action is an option of the same name (--permissions-paths, --permissions-policy,
--permissions-fail-on, --permissions-fix, --zizmor-inputs, --fail-on, --version, --zizmor-path,
--persona, --sarif-file, --permissions-sarif-file, ...). Booleans are written out
(--permissions-fix true). The token for zizmor's online audits and check run is read from
GITHUB_TOKEN.
  --format FORMAT        text, json (outputs, annotations and the verdict) or github (what the
                         action writes: annotations, outputs, job summary, check run). Default:
                         github inside GitHub Actions, text elsewhere.
  -h, --help             show this help

Exit codes: 0 both checks passed; 1 a check failed (findings at a threshold, or zizmor failed);
2 bad command line or option value; 3 unexpected error.
`,async run(args,io){let inputNames=HARDEN_INPUTS.filter(name=>name!=="token"),{values}=parseCommandLine("harden",args,stringOptions([...inputNames,"format"])),inActions=io.env.GITHUB_ACTIONS==="true",format=oneOf("--format",values.format??(inActions?"github":"text"),FORMATS),env={};for(let name of inputNames)env[Inputs.variableName(name)]=values[name];env[Inputs.variableName("token")]=io.env.GITHUB_TOKEN;let inputs=readHardenInputs(env,input=>input==="token"?"GITHUB_TOKEN":`--${input}`);inputs.permissions(),inputs.zizmor();let machine=hardenDeps(runnerContext(io.env),{token:{value:io.env.GITHUB_TOKEN,source:"GITHUB_TOKEN"},policyOptOut:"pass --permissions-policy-from-base false to read the pull request's own policy",env:io.env,log:line=>io.stderr.write(`${line}
`),...format==="github"?{}:{mask:secret=>maskOnStandardError(secret,io)}}),outcome=await run(inputs,machine.deps);return format!=="github"?printOutcome(io,outcome,format):await publishOutcome("harden",outcome,{github:machine.github})?EXIT.ok:EXIT.failed}};export{command};
