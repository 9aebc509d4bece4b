import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{annotate}from"./chunk-NVWMWPTN.js";import{showInvisible}from"./chunk-4UE7WLFC.js";import{appendFileSync,statSync}from"node:fs";var SUMMARY_LIMIT_BYTES=1024*1024,HTML_ENTITIES={"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"};function escapeHtml(text){return showInvisible(text).replace(/[&<>"']/g,char=>HTML_ENTITIES[char])}function escapeMarkdown(text){let shown=showInvisible(text),indent=/^[ \t]*/.exec(shown)?.[0]??"",rest=shown.slice(indent.length).replace(/\r\n|[\r\n&<>"'\\`*_{}[\]()#+\-.!|~:@$]/g,char=>char===`\r
`||char==="\r"||char===`
`?"<br>":HTML_ENTITIES[char]??`\\${char}`);return indent.replace(/[ \t]/g,blank=>`&#${blank.charCodeAt(0)};`)+rest}function inlineCode(text){return`<code>${escapeMarkdown(text.replace(/\r\n|\r|\n/g," "))}</code>`}function link(text,url){return!url||!/^https?:\/\/[^\s\p{Cc}\p{Cf}]+$/iu.test(url)?escapeMarkdown(text):`<a href="${escapeHtml(url)}">${escapeMarkdown(text)}</a>`}function codeBlock(text,language=""){let longestRun=Math.max(0,...(text.match(/`+/g)??[]).map(run=>run.length)),fence="`".repeat(Math.max(3,longestRun+1)),info=language.replace(/[^\w+-]/g,""),body=showInvisible(text).replace(/\r\n|\r/g,`
`);return`${fence}${info}
${body}${body.endsWith(`
`)||body===""?"":`
`}${fence}`}var Summary=class{blocks=[];heading(text,level=2){return this.raw(`${"#".repeat(level)} ${escapeMarkdown(text)}`)}paragraph(text){return this.raw(escapeMarkdown(text))}raw(markdown){return this.blocks.push(markdown),this}table(headers,rows){let line=cells=>`| ${cells.map(cell=>cell.replace(/\r\n|\r|\n/g,"<br>")).join(" | ")} |`;return this.raw([line(headers.map(escapeMarkdown)),line(headers.map(()=>"---")),...rows.map(line)].join(`
`))}list(items){return this.raw(items.map(item=>`- ${item}`).join(`
`))}code(text,language=""){return this.raw(codeBlock(text,language))}details(summaryText,bodyMarkdown){return this.raw(`<details><summary>${escapeHtml(summaryText.replace(/\r\n|\r|\n/g," "))}</summary>

${bodyMarkdown}

</details>`)}toString(limitBytes=Number.POSITIVE_INFINITY){let whole=`${this.blocks.join(`

`)}
`;if(Buffer.byteLength(whole)<=limitBytes)return whole;let budget=limitBytes-Buffer.byteLength(TRUNCATION_NOTE);if(budget<0)return"";let kept=[],used=0;for(let block of this.blocks){let size=Buffer.byteLength(block)+2;if(used+size>budget)break;kept.push(block),used+=size}return`${kept.length>0?`${kept.join(`

`)}

`:cutAtLine(this.blocks[0]??"",budget)}${TRUNCATION_NOTE}`}write(path=process.env.GITHUB_STEP_SUMMARY){if(!path)return this.toString();let used=0;try{used=statSync(path).size}catch{used=0}let text=this.toString(Math.max(0,SUMMARY_LIMIT_BYTES-used));try{appendFileSync(path,text)}catch(error){annotate({level:"warning",title:"job summary",message:`could not write the job summary to ${path}: ${error.message}`})}return text}},TRUNCATION_NOTE=`

> [!NOTE]
> This summary was cut short to fit GitHub's 1 MiB limit for a step's job summary.
`;function cutAtLine(text,bytes){let prefix=Buffer.from(text).subarray(0,Math.max(0,bytes)).toString("utf8").replace(/\uFFFD$/,""),lineEnd=prefix.lastIndexOf(`
`);return lineEnd>=0?prefix.slice(0,lineEnd+1):prefix.replace(/&[#a-z0-9]*$/i,"").replace(/<[^>]*$/,"")}export{escapeMarkdown,inlineCode,link,codeBlock,Summary};
