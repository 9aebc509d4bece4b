import { minimatch, braceExpand } from "minimatch";
const O = { dot: true, nocomment: true, nonegate: true };
const cases = [["a","a/**"],["a/","a/**"],["a/b","a/**"],["a/b/c","a/**"],["a","**"],["","**"],["a","**/a"],["b/a","**/a"],["a/b","a/**/b"],["a/x/b","a/**/b"],[".x","*"],["a/.x","a/*"],["a/.x/b","a/**/b"],["a/b/","a/**"],["a//b","a/**/b"],["a/b","a/**/**/b"],["a","**/**"],["x/a","**/**/a"],["a/b","a/*/"],["a/b/","a/*/"],["a/b/","a/*"],["./a","a"],["a","./a"],["a/../b","**/b"],["a/b","*/**"],["a","*/**"],["abc","a[!b]c"],["a/c","a[!b]c"],["a-c","a[a-z-]c"],["a]","a]"],["a]","a[]]"],["ab","a[^b]"],["a[","a["],["a\\b","a\\\\b"],["ab","a\\b"]];
for (const [p,g] of cases) console.log(JSON.stringify(g), JSON.stringify(p), minimatch(p,g,O));
console.log(braceExpand("{a,b}{1..3}", O));
try { new RegExp(minimatch.makeRe("[z-a]/**", O)); console.log("ok", minimatch("z/x","[z-a]/**",O)); } catch(e){console.log("err",e.message)}
console.log(new minimatch.Minimatch("a/**/b",O).set);
