import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{reportFailure,runAction}from"./chunk-OQ23IFEW.js";import"./chunk-LIPUMHRY.js";import"./chunk-XE2AMHIM.js";import"./chunk-JBATZDQL.js";export{reportFailure,runAction};
