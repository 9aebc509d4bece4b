// Text imports of uPlot's files (esbuild inlines them; see site-assets.ts).
declare module "uplot/dist/uPlot.min.css" {
  const text: string;
  export default text;
}
declare module "uplot/dist/uPlot.iife.min.js" {
  const text: string;
  export default text;
}
declare module "*.html" {
  const text: string;
  export default text;
}
declare module "*.css" {
  const text: string;
  export default text;
}
// A module bundled for the browser and imported as its text (scripts/build.mjs).
declare module "*?browser-script" {
  const text: string;
  export default text;
}
