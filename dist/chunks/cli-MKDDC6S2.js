import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{createDeps}from"./chunk-Y5AXLKM5.js";import{attestOci,attestSummary,subjectsOutput,verifyLines}from"./chunk-32NLERCF.js";import"./chunk-WNF37G46.js";import{SLSA_PROVENANCE_V1,actionsIssuer}from"./chunk-UZDCIB2L.js";import{EXIT,oneOf,paint,parseCommandLine,printJson}from"./chunk-QP43N2XH.js";import"./chunk-PAQZEVQE.js";import"./chunk-5JCXWZMS.js";import"./chunk-A3GUSQUC.js";import"./chunk-NVWMWPTN.js";import"./chunk-5PH2PAOY.js";import{Inputs}from"./chunk-63A4HO5S.js";import"./chunk-BGGWWQVF.js";import{runnerContext}from"./chunk-DMJQHNP2.js";import"./chunk-LU4XBBD3.js";import"./chunk-4UE7WLFC.js";import{ConfigurationError}from"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";var HELP=`Usage: status-gate attest verify <image-ref>... --repo OWNER/NAME --workflow PATH --ref 'refs/tags/*' [options]
       status-gate attest verify --file PATH --repo OWNER/NAME [options]
       status-gate attest verify --bundle FILE --digest sha256:<hex> --repo OWNER/NAME [options]
       status-gate attest push <image-ref>... [--subject-path GLOB] [options]   (in a GitHub Actions job)

verify: checks each image's attestations from its registry (referrers API, else the
sha256-<digest> tag), each file's against its <file>.sigstore.json (or --bundle, or GitHub's
attestation store of --repo when GITHUB_TOKEN is set), or a digest against --bundle, offline:
signature, certificate chain to a trusted root and that instance's policy (public-good: SCT and
a Rekor inclusion proof; GitHub's: a signed timestamp), the signer (matched in full, never a
substring), the OIDC issuer, the subject digest and the predicate type. A subject passes when one
of its attestations passes every check; each failure names the failed check.

Pin the workflow and the ref: without --workflow and --ref, any workflow of the repository at any
ref passes, including a pull request's merge ref from a branch of the same repository. For
releases, verify with --workflow .github/workflows/release.yml --ref 'refs/tags/*'.

push: resolves each reference to its manifest digest, hashes each file, signs one SLSA provenance
statement for all of them with the job's ID token (one Sigstore request), stores the bundle with
each image and in GitHub's attestation store, and writes <file>.sigstore.json beside each file.

Options (verify):
  --repo OWNER/NAME        the repository whose run made the artifact (required)
  --workflow PATH          only this workflow, e.g. .github/workflows/release.yml (with
                           --signer-repo or --signer-workflow: the workflow that called it)
  --ref REF                only runs for this ref; '*' matches any run of characters
                           (refs/tags/* for releases)
  --signer-repo OWNER/NAME the signing workflow lives in this repository (a reusable workflow)
  --signer-workflow OWNER/REPO/.github/workflows/FILE[@REF]
                           the reusable workflow that signed, optionally pinned to a ref or SHA
  --predicate-type URI     only attestations of this type (default SLSA provenance v1)
  --issuer URL             OIDC issuer (default: the server's; a GHE.com tenant has its own,
                           https://token.actions.<tenant>.ghe.com)
  --hostname HOST          the GitHub host of the repository, e.g. octo.ghe.com (GHE.com)
  --trusted-root FILE      trusted_root.json or 'gh attestation trusted-root' output; fully
                           offline. Default: public-good's and GitHub's roots through TUF
  --file PATH              verify a local file (repeatable); --digest-alg sha512 for statements
                           that name sha512 digests
  --bundle FILE            a bundle (or JSON lines of bundles) to check --file/--digest against
  --digest sha256:HEX      verify this artifact digest against --bundle, offline
  --insecure-registry HOST a registry spoken to over plain HTTP (repeatable)
  --registry-timeout DURATION  how long one registry request may take before it is abandoned
                           and sent again (default 60s; 90s, 2m as in docs/durations.md)
  --format text|json       how to print the result (--json is a deprecated alias)
Options (push):
  --subject-path GLOB      files to attest (repeatable; '!' excludes)
  --subject-checksums FILE a sha256sum file of artifacts to attest
  --predicate-type URI, --predicate-path FILE   a custom predicate instead of SLSA provenance
  --no-github-attestations                      do not write to GitHub's attestations API
  --fulcio-url, --rekor-url, --tsa-url URL      other Sigstore services
  --dry-run                resolve every subject and print what would be signed and stored
Registry credentials come from $DOCKER_CONFIG/config.json (or ~/.docker/config.json).

Exit codes: 0 every subject verified (or attested); 1 a subject failed verification; 2 bad
command line, nothing to verify, or no trusted root (offline without --trusted-root); 3
unexpected error (network, registry).
`,OPTIONS={repo:{type:"string"},workflow:{type:"string"},ref:{type:"string"},"signer-repo":{type:"string"},"signer-workflow":{type:"string"},subjects:{type:"string",multiple:!0},"subject-path":{type:"string",multiple:!0},"subject-checksums":{type:"string"},"predicate-type":{type:"string"},"predicate-path":{type:"string"},issuer:{type:"string"},hostname:{type:"string"},"trusted-root":{type:"string"},file:{type:"string",multiple:!0},bundle:{type:"string",multiple:!0},digest:{type:"string",multiple:!0},"digest-alg":{type:"string"},"insecure-registry":{type:"string",multiple:!0},"registry-timeout":{type:"string"},format:{type:"string"},json:{type:"boolean"},"dry-run":{type:"boolean"},"no-github-attestations":{type:"boolean"},"fulcio-url":{type:"string"},"rekor-url":{type:"string"},"tsa-url":{type:"string"}};function serverOf(values,env){let host=values.hostname?.replace(/^https?:\/\//,"").replace(/\/+$/,"");if(!host){let server2=runnerContext(env).urls.server;return{server:server2,issuer:actionsIssuer(server2)}}if(!/^[a-z0-9.-]+$/i.test(host))throw new ConfigurationError(`--hostname is '${values.hostname}'; give a host such as octo.ghe.com`);let server=`https://${host}`;return{server,issuer:actionsIssuer(server)}}function inputsOf(action,values,references,io){let read=Inputs.fromFlags({...values,subjects:references}),{server,issuer}=serverOf(values,io.env);return{mode:action==="verify"?"verify":"attest",subjects:references,subjectPaths:read.globs("subject-path"),subjectChecksums:read.optional("subject-checksums"),cwd:io.cwd,predicateType:read.optional("predicate-type"),predicatePath:read.optional("predicate-path"),pushToRegistry:!0,githubAttestations:!values["no-github-attestations"],dryRun:values["dry-run"]===!0,endpoints:{sigstore:"auto",fulcioUrl:read.optional("fulcio-url"),rekorUrl:read.optional("rekor-url"),tsaUrl:read.optional("tsa-url"),label:read.label},outputDir:`${io.cwd}/attestations`,verify:{identity:{repository:values.repo??"",workflow:values.workflow,ref:values.ref,signerRepository:values["signer-repo"],signerWorkflow:values["signer-workflow"],issuer:values.issuer??issuer,serverUrl:server},predicateType:values["predicate-type"]??SLSA_PROVENANCE_V1,bundlePaths:values.bundle??[],files:values.file??[],digests:values.digest??[],digestAlgorithm:oneOf("--digest-alg",values["digest-alg"]??"sha256",["sha256","sha512"])},label:read.label}}function printReport(io,report,format){if(format==="json"&&printJson(io,JSON.parse(subjectsOutput(report))),report.mode==="attest"){if(format==="text"&&io.stdout.write(attestSummary(report).toString()),format==="text")for(let notice of report.notices)io.stderr.write(`${notice}
`);return EXIT.ok}if(format==="text")for(let line of verifyLines(report)){let colour=line.startsWith("\u2713")?"green":line.startsWith("\u2717")?"red":"dim";io.stdout.write(`${paint(io,colour,line)}
`)}return report.verified?EXIT.ok:EXIT.failed}var command={name:"attest",subcommands:{verify:"verify the attestations of images, files or a digest",push:"attest images and files from a GitHub Actions job's shell"},help:HELP,async run(args,io){let{values,positionals}=parseCommandLine("attest",args,OPTIONS),[action,...positional]=positionals;if(action!=="verify"&&action!=="push")throw new ConfigurationError("say 'verify' or 'push' before the image references (see 'status-gate attest --help')");values.json&&io.stderr.write(`--json is deprecated; use --format json
`);let format=values.json?"json":oneOf("--format",values.format??"text",["text","json"]);if(action==="verify"&&!values.repo)throw new ConfigurationError("--repo OWNER/NAME is required: the repository whose run must have made the artifact");let references=[...values.subjects??[],...positional],inputs=inputsOf(action,values,references,io),deps=await createDeps({env:io.env,context:runnerContext(io.env),subjects:references,credentials:{registry:void 0,username:void 0,password:void 0},insecureRegistries:values["insecure-registry"]??[],registryTimeoutMs:Inputs.fromFlags(values).duration("registry-timeout","60s"),githubToken:io.env.GITHUB_TOKEN,trustedRoot:values["trusted-root"],mask:()=>{},label:inputs.label});return printReport(io,await attestOci(inputs,deps),format)}};export{command};
