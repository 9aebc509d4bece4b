import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);
import{SITE_ASSETS}from"./chunk-OHPTYD5H.js";import"./chunk-JBATZDQL.js";export{SITE_ASSETS};
