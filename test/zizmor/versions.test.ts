import { describe, expect, it } from "vitest";
import {
  archiveUrl,
  assetName,
  DEFAULT_DOWNLOAD_URL,
  DEFAULT_VERSION,
  PINNED_DIGESTS,
  parseSha256,
  parseVersion,
  TARGETS,
  targetFor,
  versionFromBanner,
} from "../../src/zizmor/versions.ts";

describe("choosing a zizmor release", () => {
  it("installs a pinned exact version by default and refuses 'latest' or ranges", () => {
    expect(parseVersion(DEFAULT_VERSION)).toBe(DEFAULT_VERSION);
    expect(parseVersion("v1.30.1")).toBe("1.30.1");
    for (const floating of ["latest", "1.x", "^1.30.0", "1.30"]) {
      expect(() => parseVersion(floating)).toThrow(/exact release/);
    }
  });

  it("refuses 1.27.0, which printed GitHub credentials in its logs", () => {
    expect(() => parseVersion("1.27.0")).toThrow(/credentials.*fixed in 1\.28\.0/);
  });

  it("pins a sha256 for every supported target of the default version", () => {
    const pinned = PINNED_DIGESTS[DEFAULT_VERSION] ?? {};
    for (const target of TARGETS) expect(pinned[target.triple]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names the release archive per OS and architecture, .zip on Windows", () => {
    expect(assetName(targetFor("Linux", "X64"))).toBe("zizmor-x86_64-unknown-linux-gnu.tar.gz");
    expect(assetName(targetFor("Linux", "ARM64"))).toBe("zizmor-aarch64-unknown-linux-gnu.tar.gz");
    expect(assetName(targetFor("macOS", "X64"))).toBe("zizmor-x86_64-apple-darwin.tar.gz");
    expect(assetName(targetFor("macOS", "ARM64"))).toBe("zizmor-aarch64-apple-darwin.tar.gz");
    expect(assetName(targetFor("Windows", "X64"))).toBe("zizmor-x86_64-pc-windows-msvc.zip");
  });

  it("names the supported platforms when the runner is not one of them", () => {
    expect(() => targetFor("Windows", "ARM64")).toThrow(
      /Windows\/ARM64.*Linux\/X64, Linux\/ARM64, macOS\/X64, macOS\/ARM64, Windows\/X64/,
    );
    expect(() => targetFor("Linux", "ARM")).toThrow(/zizmor-path/);
  });

  it("builds download URLs from GitHub releases, a template or a mirror's base URL", () => {
    const asset = "zizmor-x86_64-unknown-linux-gnu.tar.gz";
    expect(archiveUrl(DEFAULT_DOWNLOAD_URL, "1.30.1", asset)).toBe(
      `https://github.com/zizmorcore/zizmor/releases/download/v1.30.1/${asset}`,
    );
    expect(archiveUrl("https://mirror.example/zizmor/", "1.30.1", asset)).toBe(
      `https://mirror.example/zizmor/v1.30.1/${asset}`,
    );
    expect(archiveUrl("https://ghes.example/files/{asset}?v={version}", "1.30.1", asset)).toBe(
      `https://ghes.example/files/${asset}?v=1.30.1`,
    );
    expect(() => archiveUrl("file:///etc/{asset}", "1.30.1", asset)).toThrow(/download-url/);
  });

  it("reads versions from --version and checks sha256 inputs", () => {
    expect(versionFromBanner("zizmor 1.30.1\n")).toBe("1.30.1");
    expect(versionFromBanner("something else")).toBeUndefined();
    expect(parseSha256(`sha256:${"A".repeat(64)}`, "input 'sha256'")).toBe("a".repeat(64));
    expect(() => parseSha256("abc", "--sha256")).toThrow(/--sha256 is 'abc'/);
  });
});
