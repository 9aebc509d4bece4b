import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatReference,
  parseImageReference,
  subjectName,
} from "../../src/attest-oci/reference.ts";
import { parseSubjects } from "../../src/attest-oci/subjects.ts";
import { ConfigurationError } from "../../src/core/errors.ts";

const digest = `sha256:${"a1".repeat(32)}`;

describe("image references", () => {
  it("normalises names as registries do", () => {
    expect(formatReference(parseImageReference("nginx"))).toBe("docker.io/library/nginx");
    expect(formatReference(parseImageReference("nginx:1.27"))).toBe("docker.io/library/nginx:1.27");
    expect(formatReference(parseImageReference("index.docker.io/wasmcloud/wash:1"))).toBe(
      "docker.io/wasmcloud/wash:1",
    );
    expect(formatReference(parseImageReference("GHCR.io/WasmCloud/Components/Http-Hello:V1"))).toBe(
      "ghcr.io/wasmcloud/components/http-hello:V1",
    );
    expect(subjectName(parseImageReference("localhost:5000/app:v1"))).toBe("localhost:5000/app");
  });

  it("keeps a digest, a tag, or both", () => {
    const both = parseImageReference(`ghcr.io/wasmcloud/wasmcloud:1.2.0@${digest}`);
    expect(both.tag).toBe("1.2.0");
    expect(both.digest).toBe(digest);
    const pinned = parseImageReference(
      `127.0.0.1:5000/a/b@${digest.toUpperCase().replace("SHA256", "sha256")}`,
    );
    expect(pinned.tag).toBeUndefined();
    expect(pinned.digest).toBe(digest);
  });

  it("refuses malformed references, naming them", () => {
    for (const bad of [
      "",
      "ghcr.io/a/b:bad tag",
      "ghcr.io/a/b@sha256:xyz",
      "ghcr.io/a//b",
      "ghcr.io/-a/b",
    ]) {
      expect(() => parseImageReference(bad)).toThrow(ConfigurationError);
    }
    expect(() => parseSubjects(["ghcr.io/a/b@md5"], "input 'subjects'")).toThrow(
      /input 'subjects': image reference 'ghcr.io\/a\/b@md5'/,
    );
  });

  it("drops repeated subjects after normalising", () => {
    expect(
      parseSubjects(["nginx:1", "docker.io/library/nginx:1", "NGINX:1"], "subjects"),
    ).toHaveLength(1);
  });

  it("parses what it formats, for any valid reference", () => {
    const component = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
    const host = fc.oneof(
      fc.constant("ghcr.io"),
      fc.constant("127.0.0.1:5000"),
      fc.constant("registry.example.com"),
    );
    const tag = fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/), { nil: undefined });
    const hex = fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined });
    fc.assert(
      fc.property(
        host,
        fc.array(component, { minLength: 1, maxLength: 3 }),
        tag,
        hex,
        (registry, path, t, h) => {
          const text = `${registry}/${path.join("/")}${t ? `:${t}` : ""}${h ? `@sha256:${h}` : ""}`;
          const parsed = parseImageReference(text);
          expect(formatReference(parsed)).toBe(text);
          expect(parseImageReference(formatReference(parsed))).toEqual({
            ...parsed,
            original: text,
          });
        },
      ),
    );
  });

  it("never throws anything but a ConfigurationError", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseImageReference(text);
        } catch (thrown) {
          expect(thrown).toBeInstanceOf(ConfigurationError);
        }
      }),
    );
  });
});
