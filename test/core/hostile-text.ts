import fc from "fast-check";

/** Fragments that mean something to the runner's command parser, to markdown or to HTML. */
const FRAGMENTS = [
  "::",
  "::error::",
  "::add-mask::",
  "::stop-commands::x",
  "##[",
  "##[warning]",
  "]",
  ";",
  "\n",
  "\r",
  "\r\n",
  "\u0085",
  "\u2028",
  " ",
  "\t",
  "%",
  "%0A",
  "%0D",
  "%25",
  "%3A",
  "%2C",
  ",",
  ":",
  "=",
  "<",
  ">",
  "&",
  "&amp;",
  "<script>",
  "<img src=x>",
  "|",
  "`",
  "```",
  "[",
  "](",
  "![",
  "#",
  "# ",
  "*",
  "_",
  "-",
  "===",
  "\\",
  "'",
  '"',
  "@",
  "www.",
  "example.com",
  "https://",
  "http://",
  "mailto:",
  "$",
  "~",
  "!",
  "(",
  ")",
  "{",
  "}",
  "x",
  "é",
  "😀",
];

/** Arbitrary text mixing runner, markdown and HTML syntax with random Unicode. */
export const hostileText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: "binary", maxLength: 4 })), {
    maxLength: 24,
  })
  .map((parts) => parts.join(""));

/** Collects what `body` writes to standard output (where `@actions/core` writes commands). */
export function captureStdout(body: () => void): string {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  }) as typeof process.stdout.write;
  try {
    body();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join("");
}
