import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{SITE_ASSETS}from"./chunk-N7KT4F3T.js";import"./chunk-JBATZDQL.js";export{SITE_ASSETS};
