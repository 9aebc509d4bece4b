// `node scripts/release-assets.mjs vX.Y.Z OUT_DIR`: the files of a release of this suite, built
// from the tag in the current checkout (the release workflow checks the tag out first):
//
//   status-gate-vX.Y.Z.tar.gz           the action: the tagged tree, exactly what `uses:` runs
//   wasmcloud-status-gate-X.Y.Z.tgz     the CLI's npm package (`npm pack`, committed dist/)
//   SHA256SUMS                          sha256sum lines of both
//
// It refuses a tag that is not checked out, a package.json whose version is not the tag's, and a
// dist/ that differs from the tag's (run `npm run check-dist` before it).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const git = (args, options = {}) =>
  execFileSync("git", args, { encoding: "utf8", ...options }).trim();

function fail(message) {
  process.stderr.write(`release-assets: ${message}\n`);
  process.exit(1);
}

function main() {
  const [tag, out] = process.argv.slice(2);
  if (!tag || !out || !/^v\d+\.\d+\.\d+$/.test(tag)) {
    process.stderr.write("usage: node scripts/release-assets.mjs vX.Y.Z OUT_DIR\n");
    process.exit(2);
  }
  const root = git(["rev-parse", "--show-toplevel"]);
  const tagged = git(["rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`], {
    cwd: root,
  });
  const head = git(["rev-parse", "HEAD"], { cwd: root });
  if (tagged !== head) fail(`${tag} is ${tagged}, but the checkout is ${head}; check the tag out`);
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  if (`v${manifest.version}` !== tag) {
    fail(`package.json says ${manifest.version}, the tag says ${tag}`);
  }
  const changed = git(["status", "--porcelain", "--", "dist", "package.json"], { cwd: root });
  if (changed) fail(`dist/ or package.json differ from ${tag}:\n${changed}`);

  const folder = resolve(out);
  mkdirSync(folder, { recursive: true });
  const action = `status-gate-${tag}.tar.gz`;
  git(
    ["archive", "--format=tar.gz", `--prefix=status-gate-${tag}/`, "-o", join(folder, action), tag],
    { cwd: root },
  );
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", folder], {
      cwd: root,
      encoding: "utf8",
    }),
  );
  const files = [action, packed[0].filename];
  const sums = files.map((name) => {
    const digest = createHash("sha256")
      .update(readFileSync(join(folder, name)))
      .digest("hex");
    return `${digest}  ${name}\n`;
  });
  writeFileSync(join(folder, "SHA256SUMS"), sums.join(""));
  process.stdout.write(sums.join(""));
}

main();
