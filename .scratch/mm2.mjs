import { minimatch, Minimatch } from "minimatch";
const O = { dot: true, nocomment: true, nonegate: true };
for (const [p,g] of [["z/x","[z-a]/**"],["a","[z-a]"],["b","[[:alpha:]]"],["1","[[:alpha:]]"],["ab","@(a|b)b"],["x","[a-]"],["-","[a-]"],["\\","[\\]"],["a","[!]"],["!","[!]"],["a","[a"],["[a","[a"],["ab","a?"],["a/","a?"],["a.b","*.b"],[".b","*.b"],["x/.b","**/*.b"],["test (z-a)","test [z-a]"]]) {
  try { console.log(JSON.stringify(g), JSON.stringify(p), minimatch(p,g,O), String(new Minimatch(g,O).set)); } catch(e) { console.log(g, "ERR", e.message); }
}
