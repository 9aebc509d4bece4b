import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{attestSummary,createDeps,run,subjectsOutput,verifyLines}from"./chunk-KQWH4OPV.js";import{GITHUB_ACTIONS_ISSUER,SLSA_PROVENANCE_V1,checkExpectedIdentity}from"./chunk-E3FLNB2T.js";import{EXIT,paint,parseCommandLine}from"./chunk-CP5HF7B4.js";import"./chunk-PAQZEVQE.js";import"./chunk-SKAVLIHW.js";import"./chunk-VOH5PCDW.js";import"./chunk-N5HLVK3H.js";import"./chunk-QF36MFGR.js";import"./chunk-TNNVL3FS.js";import{ConfigurationError}from"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";var HELP=`Usage: status-gate attest verify <image-ref>... --repo <owner/name> [options]
       status-gate attest push <image-ref>... [options]      (in a GitHub Actions job)

verify: fetches each image's attestations from its registry (referrers API, else the
sha256-<digest> tag) and checks every one: signature, certificate chain against the trusted root,
timestamp, that the signer is the repository's workflow (matched in full, never a substring), the
OIDC issuer, that the statement is about this image's digest, and the predicate type. An image
passes when one of its attestations passes every check; each failure names the failed check.

push: resolves each reference to its manifest digest, signs one SLSA provenance statement for all
of them with the job's ID token, and stores the bundle with each image (as the action does).

Options (verify):
  --repo OWNER/NAME        the repository whose workflow must have signed (required)
  --workflow PATH          only this workflow, e.g. .github/workflows/release.yml
  --ref REF                only runs at this ref, e.g. refs/tags/v1.2.0
  --predicate-type URI     only attestations of this type (default: SLSA provenance v1,
                           https://slsa.dev/provenance/v1)
  --issuer URL             OIDC issuer (default ${GITHUB_ACTIONS_ISSUER})
  --trusted-root FILE      trusted_root.json or 'gh attestation trusted-root' output
                           (default: public-good Sigstore through TUF)
  --json                   print the result as JSON
Options (push):
  --predicate-type URI, --predicate-path FILE   a custom predicate instead of SLSA provenance
  --no-github-attestations                      do not write to GitHub's attestations API
  --fulcio-url, --rekor-url, --tsa-url URL      other Sigstore services
Registry credentials come from $DOCKER_CONFIG/config.json (or ~/.docker/config.json).

Exit codes: 0 every image verified (or attested); 1 an image failed verification; 2 bad command
line; 3 unexpected error (network, registry).
`,command={name:"attest",subcommands:{verify:"verify the attestations of images from their registry",push:"attest images from a workstation (Sigstore endpoints given)"},help:HELP,async run(args,io){let{values,positionals}=parseCommandLine("attest",args,{repo:{type:"string"},workflow:{type:"string"},ref:{type:"string"},"predicate-type":{type:"string"},"predicate-path":{type:"string"},issuer:{type:"string"},"trusted-root":{type:"string"},json:{type:"boolean"},"no-github-attestations":{type:"boolean"},"fulcio-url":{type:"string"},"rekor-url":{type:"string"},"tsa-url":{type:"string"}}),[action,...references]=positionals;if(action!=="verify"&&action!=="push")throw new ConfigurationError("attest: say 'verify' or 'push' before the image references (see 'status-gate attest --help')");if(action==="verify"&&!values.repo)throw new ConfigurationError("attest verify: --repo OWNER/NAME is required");let identity={repository:values.repo??io.env.GITHUB_REPOSITORY??"",workflow:values.workflow,ref:values.ref,issuer:values.issuer??GITHUB_ACTIONS_ISSUER};action==="verify"&&checkExpectedIdentity(identity);let deps=await createDeps({env:io.env,subjects:references,credentials:{registry:void 0,username:void 0,password:void 0},githubToken:io.env.GITHUB_TOKEN,trustedRoot:values["trusted-root"],mask:()=>{},notice:message=>io.stderr.write(`${message}
`)}),report=await run({mode:action==="verify"?"verify":"attest",subjects:references,predicateType:values["predicate-type"],predicatePath:values["predicate-path"],pushToRegistry:!0,githubAttestations:!values["no-github-attestations"],endpoints:{sigstore:"auto",fulcioUrl:values["fulcio-url"],rekorUrl:values["rekor-url"],tsaUrl:values["tsa-url"]},outputDir:`${io.cwd}/attestations`,verify:{identity,predicateType:values["predicate-type"]??SLSA_PROVENANCE_V1}},deps);if(values.json&&io.stdout.write(`${subjectsOutput(report)}
`),report.mode==="attest")return values.json||io.stdout.write(attestSummary(report).toString()),EXIT.ok;if(!values.json)for(let line of verifyLines(report))io.stdout.write(`${paint(io,line.startsWith("\u2713")?"green":line.startsWith("\u2717")?"red":"dim",line)}
`);return report.verified?EXIT.ok:EXIT.failed}};export{command};
