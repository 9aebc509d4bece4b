import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{EXIT,oneOf,paint,parseCommandLine,printJson}from"./chunk-QP43N2XH.js";import{GitHubRemote,LocalGit,decideSlot,gitPusher,loadConfig,markerName,parseInstant,planJson,planRelease,readMarkers,readTrainInputs,runTrain,trainTags,waitForReleaseChecks}from"./chunk-SYWQMLVN.js";import"./chunk-CWBQ3IV4.js";import"./chunk-3AF27XVU.js";import"./chunk-TOBCEVDE.js";import"./chunk-PAQZEVQE.js";import"./chunk-XULZEDEB.js";import"./chunk-XYS53ETD.js";import"./chunk-XTCOE7TZ.js";import"./chunk-44BOHC23.js";import"./chunk-LIK3GIJ7.js";import{createGitHubClient}from"./chunk-5JCXWZMS.js";import"./chunk-APORMB7Q.js";import"./chunk-A3GUSQUC.js";import"./chunk-NVWMWPTN.js";import{Outcome}from"./chunk-5PH2PAOY.js";import{Inputs}from"./chunk-63A4HO5S.js";import"./chunk-BGGWWQVF.js";import{parseRepository,runnerContext}from"./chunk-DMJQHNP2.js";import"./chunk-LU4XBBD3.js";import"./chunk-4UE7WLFC.js";import{ConfigurationError}from"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";import{resolve as resolve2}from"node:path";import{resolve}from"node:path";function localMarkerSource(git){return{listTags:async prefix=>[...git.tagMessages(prefix).keys()],tagMessage:async name=>git.tagMessages(name).get(name)}}var GitTagsRemote=class{git;remoteTags;constructor(git){this.git=git}get requests(){return 0}tags(){if(!this.remoteTags){let tags=new Map;for(let line of this.git.run(["ls-remote","--tags","origin"]).split(`
`)){let[sha="",ref=""]=line.split("	");if(!ref.startsWith("refs/tags/"))continue;let name=ref.slice(10);name.endsWith("^{}")?tags.set(name.slice(0,-3),sha):tags.has(name)||tags.set(name,sha)}this.remoteTags=tags}return this.remoteTags}async listTags(prefix){return[...this.tags().keys()].filter(name=>name.startsWith(prefix))}async getTag(name){let commit=this.tags().get(name);if(commit===void 0)return;let message=this.git.tagMessages(name).get(name);if(message===void 0&&this.git.fetch(`refs/tags/${name}`)){let object=this.git.run(["cat-file","-p","FETCH_HEAD"]);message=object.slice(object.indexOf(`

`)+2)}return{commit,message}}async releases(){return new Map}async findPullRequest(){}async branchContains(branch,sha){return this.git.fetch(`refs/heads/${branch}`)&&this.git.isAncestor(sha,"FETCH_HEAD")}async runCreatedAt(){}refuse(){throw new Error("a git remote without a token is read only: give --token, or --dry-run")}getRelease(){this.refuse()}createAnnotatedTag(){this.refuse()}moveTag(){this.refuse()}deleteTag(){this.refuse()}createDraftRelease(){this.refuse()}publishRelease(){this.refuse()}uploadAsset(){this.refuse()}deleteAsset(){this.refuse()}generateNotes(){this.refuse()}openPullRequest(){this.refuse()}closePullRequest(){this.refuse()}dispatchWorkflow(){this.refuse()}};var DEPART_OPTIONS={force:{type:"boolean"},bump:{type:"string"},version:{type:"string"},branch:{type:"string"},"dry-run":{type:"boolean"},token:{type:"string"},repository:{type:"string"},"api-url":{type:"string"}},DEPART_HELP=`status-gate train depart [--repo <dir>] [--config <file>] [--now <ISO time>] [--dry-run]
                        [--force] [--bump auto|patch|minor|major|rc] [--version <v>]
                        [--branch <name>] [--token <t>] [--repository <owner/name>]
                        [--api-url <url>] [--format text|json]

Does what the action does, from this clone and its remote 'origin': finishes a train an earlier
run left incomplete, or departs the due one (the marker, the release commit, tags, releases).
With --dry-run it writes nothing and prints every write it would make, in order.

  --dry-run            list the writes instead of making them
  --force, --bump, --version, --branch
                       as the action's inputs of the same names
  --token <t>          a GitHub token (default: GITHUB_TOKEN); without one only --dry-run
                       works, reading the remote's tags with git and assuming no releases or
                       pull requests exist (it says so)
  --repository <o/n>   the GitHub repository (default: GITHUB_REPOSITORY, else origin's URL)
  --api-url <url>      the REST API (default: GITHUB_API_URL, else https://api.github.com)
  --format <f>         text (default) or json: {"departed","slot","reason","detail","next",
                       "released","pull_request_url","writes","read_github","annotations",
                       "failure","components"}`;async function depart(values,format,io){let repoDir=resolve(io.cwd,values.repo??"."),git=new LocalGit(repoDir),token=values.token??io.env.GITHUB_TOKEN,dryRun=values["dry-run"]===!0;if(!token&&!dryRun)throw new ConfigurationError("departing writes to GitHub: give --token (or set GITHUB_TOKEN), or add --dry-run to list the writes");let env={...io.env,...values["api-url"]?{GITHUB_API_URL:values["api-url"]}:{}},context=runnerContext(env),repository=values.repository?parseRepository(values.repository,"--repository"):context.repository??repositoryOfOrigin(git),read=Inputs.fromFlags({"working-directory":repoDir,config:values.config,now:values.now,force:values.force,bump:values.bump,version:values.version,branch:values.branch??currentBranch(git),"dry-run":dryRun}),inputs=readTrainInputs(read,{...context,repositoryName:`${repository.owner}/${repository.repo}`}),remote=token?new GitHubRemote(createGitHubClient({token,tokenSource:"--token or GITHUB_TOKEN",maskToken:!1},env),repository):new GitTagsRemote(git),config=loadConfig(inputs.repoDir,inputs.configPath),outcome=new Outcome,result=await runTrain(inputs,config,{git,remote,push:gitPusher(git,token?{token,serverUrl:context.urls.server,mask:!1}:void 0),log:()=>{},outcome,waitForChecks:(sha,waitFor)=>waitForReleaseChecks({apiUrl:context.urls.api,token:token??"",repository:`${repository.owner}/${repository.repo}`,sha,waitFor,progress:line=>io.stderr.write(`${line}
`)})}),failed=result.failure!==void 0;if(format==="json")return printJson(io,{departed:result.departed,slot:result.slot,reason:result.reason,detail:result.detail,next:result.next??null,released:result.released,pull_request_url:result.pullRequestUrl??null,writes:result.writes,read_github:token!==void 0,annotations:outcome.annotations,failure:result.failure??null,components:result.plan?planJson(result.plan):[]}),failed?EXIT.failed:EXIT.ok;let colour=result.departed?"green":failed?"red":"yellow";io.stdout.write(`${paint(io,colour,`train ${result.slot||"(none)"}: ${result.reason}`)}
${result.detail}
`),token||io.stdout.write(`without a token GitHub's releases and pull requests are not read: none are assumed to exist
`),result.writes.length>0&&(io.stdout.write(result.reason==="dry-run"?`the writes it would make, in order:
`:`the writes it made, in order:
`),result.writes.forEach((write,index)=>{io.stdout.write(`  ${index+1}. ${write}
`)}));for(let annotation of outcome.annotations)io.stdout.write(`${annotation.level}: ${annotation.message}
`);return failed?(io.stderr.write(`${paint(io,"red","failed")}: ${result.failure}
`),EXIT.failed):EXIT.ok}function repositoryOfOrigin(git){let url="";try{url=git.run(["remote","get-url","origin"]).trim()}catch{}let match=/[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url);return match?{owner:match[1],repo:match[2]}:{owner:"local",repo:"repository"}}function currentBranch(git){try{return git.run(["symbolic-ref","--quiet","--short","HEAD"]).trim()||"main"}catch{return"main"}}var HELP=`Usage: status-gate train <plan|depart> [options]

  plan     what the release train would do at a moment, from local history; changes nothing
  depart   what the action does: depart (or finish) a train, or with --dry-run list every
           write it would make, in order

status-gate train plan [--repo <dir>] [--config <file>] [--now <ISO time>] [--format text|json]

Shows whether a train is due, which slot, and each component's next version. Departures are
read from this clone's tags (the departure markers, train/* by default): fetch them first
(git fetch --tags) to see trains that left since you cloned.

Options:
  --repo <dir>       the repository (a full clone; default: the current directory)
  --config <file>    the train configuration, relative to --repo (default .github/train.yml)
  --now <ISO time>   the moment to plan for (default: now), with Z or an offset, e.g.
                     2026-12-01T16:00:00Z or 2026-12-01T17:00:00+01:00; a time without
                     one is refused (it would depend on this machine's time zone)
  --format <f>       text (default) or json:
                     {"due","slot","reason","next","cutoff","markers":{"source","count","latest"},
                      "components":[{"name","path","kind","previous","version","bump","commits",
                      "unparsed","tag","blocked"}]}

${DEPART_HELP}`,command={name:"train",subcommands:{plan:"the release train's plan for a moment, changing nothing",depart:"depart or finish a train like the action (--dry-run: list every write in order)"},help:HELP,async run(args,io){let{values,positionals}=parseCommandLine("train",args,{repo:{type:"string"},config:{type:"string"},now:{type:"string"},format:{type:"string"},...DEPART_OPTIONS}),[subcommand,...extra]=positionals;if(extra.length>0)throw new ConfigurationError(`unexpected argument '${extra[0]}' (see 'status-gate train --help')`);let format=oneOf("--format",values.format??"text",["text","json"]);if(subcommand==="depart")return depart(values,format,io);if(subcommand!=="plan")throw new ConfigurationError("the subcommands are 'plan' and 'depart' (see 'status-gate train --help')");let departOnly=Object.keys(DEPART_OPTIONS).filter(flag=>values[flag]!==void 0);if(departOnly.length>0)throw new ConfigurationError(`--${departOnly[0]} belongs to 'status-gate train depart', not 'plan'`);return plan(values,format,io)}};async function plan(values,format,io){let now=values.now===void 0?new Date:parseInstant(values.now,"--now"),repoDir=resolve2(io.cwd,values.repo??"."),config=loadConfig(repoDir,values.config??".github/train.yml"),git=new LocalGit(repoDir);git.assertFullHistory();let markers=await readMarkers(localMarkerSource(git),git.tagMessages(config.markerPrefix),config.markerPrefix),decided=await decideSlot({force:!1,runId:"",runAttempt:1,now},config,markers,{runCreatedAt:async()=>{},log:()=>{}}),departed="slot"in decided&&markers.some(marker=>marker.tag===markerName(config.markerPrefix,decided.slot)),cutoff="slot"in decided&&!departed?git.commitAtCutoff("HEAD",decided.departsAt):git.resolve("HEAD"),made=trainTags(markers),releasePlan=cutoff?await planRelease(git,config,cutoff,{},{trainTags:new Map([...git.allTags()].filter(([tag])=>made.has(tag)))}):void 0,due="slot"in decided&&!departed&&(releasePlan?.departing.length??0)>0,reason="slot"in decided?departed?"already-departed":due?decided.reason:"no-changes":decided.result.reason,report={due,slot:"slot"in decided?decided.slot:decided.result.slot||null,reason,next:"slot"in decided?null:decided.result.next??null,cutoff:cutoff??null,markers:{source:"this clone's tags",count:markers.length,latest:markers.at(-1)?.tag??null},components:releasePlan?planJson(releasePlan):[]};if(format==="json")return printJson(io,report),EXIT.ok;let headline=due?paint(io,"green",`train ${report.slot} is due (${reason})`):paint(io,"yellow",`no departure: ${reason}${report.slot?` (slot ${report.slot})`:""}${report.next?`; next train ${report.next}`:""}`);io.stdout.write(`${headline}
`),io.stdout.write(markers.length>0?`departures read from this clone's tags: ${markers.length} marker(s), the latest ${report.markers.latest}
`:`no departure markers (${config.markerPrefix}*) in this clone's tags: if trains departed, fetch them (git fetch --tags)
`);for(let item of report.components){let change=item.bump==="none"?paint(io,"dim",`${item.version} stays`):`${item.previous??"new"} -> ${paint(io,"bold",item.version)} (${item.bump})`;io.stdout.write(`  ${item.name.padEnd(28)} ${item.kind.padEnd(8)} ${change}, ${item.commits} commit(s)
`);for(let subject of item.unparsed)io.stdout.write(`      not conventional, counted as patch: ${subject}
`);item.blocked&&io.stdout.write(`      ${item.blocked}
`)}return EXIT.ok}export{command};
