import uplotScript from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotStyle from "uplot/dist/uPlot.min.css" with { type: "text" };
import script from "./site/app.js" with { type: "text" };
import changes from "./site/changes.js" with { type: "text" };
import charts from "./site/charts.js" with { type: "text" };
// Built from ./site/helpers.ts at build time (see scripts/build.mjs), never kept by hand.
import helpers from "./site/helpers.ts?browser-script";
import page from "./site/index.html" with { type: "text" };
import style from "./site/style.css" with { type: "text" };

/** The dashboard's static files, bundled into dist as text so the action needs no node_modules. */
export const SITE_ASSETS: ReadonlyMap<string, string> = new Map([
  ["index.html", page],
  ["app.js", script],
  ["helpers.js", helpers],
  ["charts.js", charts],
  ["changes.js", changes],
  ["style.css", style],
  ["uPlot.iife.min.js", uplotScript],
  ["uPlot.min.css", uplotStyle],
]);
