// The dashboard's browser script, imported as text by site-assets.ts (esbuild's text import).
declare const text: string;
export default text;
