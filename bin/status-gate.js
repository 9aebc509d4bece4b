#!/usr/bin/env node
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(
    `status-gate needs Node.js 24 or later (this is ${process.version}); ` +
      "inside this repository, 'npx status-gate' uses the Node.js 24 that 'npm ci' installs.\n",
  );
  process.exit(2);
}
await import("../dist/cli.js");
