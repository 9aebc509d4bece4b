import { describe, expect, it } from "vitest";
import { ForwardingProxy } from "../harness/proxy.ts";
import { runCli } from "../harness/runner.ts";
import { githubClaims } from "../harness/sigstore.ts";
import { pusher } from "./artifacts.ts";
import { REPOSITORY, startServicesDisposable, WORKFLOW } from "./fixtures.ts";
import { OCI_MANIFEST, seedImage } from "./hostile.ts";
import { startOciDouble } from "./oci-double.ts";
import { startRegistryDouble } from "./registry-double.ts";

const claims = githubClaims({ repository: REPOSITORY, workflow: WORKFLOW });

describe("registry requests that fail for a while", () => {
  it("retries 5xx and 429 answers with backoff and attests all the same", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startRegistryDouble();
    const component = await pusher(registry.host).wasmComponent("wasmcloud/flaky", "v1");
    registry.failNext(2, 503, /^GET .*\/manifests\//);
    registry.failNext(1, 429, /^POST .*\/blobs\/uploads\//);
    registry.failNext(1, 502, /^PUT .*\/manifests\//);
    const run = await services.attestOci({ subjects: component.reference }, { claims });
    expect(run.exitCode).toBe(0);
    expect(registry.faultsServed).toBe(4);
    const [subject] = JSON.parse(run.outputs.subjects as string);
    expect(subject.storage).toBe("referrers-api");
  });

  it("gives up after its attempts with the registry's answer as the step's failure", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startRegistryDouble();
    const component = await pusher(registry.host).wasmComponent("wasmcloud/down", "v1");
    registry.failNext(100, 500, /^GET .*\/manifests\/v1$/);
    const run = await services.attestOci({ subjects: component.reference }, { claims });
    expect(run.exitCode).not.toBe(0);
    expect(registry.faultsServed).toBe(4);
    const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors).toEqual([
      expect.stringMatching(/^attest-oci: registry .*GET failed with HTTP 500/),
    ]);
  });
});

describe("a registry that stops answering", () => {
  // Without a limit, a stalled connection holds the step until the job's timeout (six hours by
  // default) and is never retried; a promotion gate waits all that time for nothing.
  it("abandons a request that gets no answer within registry-timeout, retries it, then fails", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startOciDouble();
    const image = seedImage(registry, "stall/headers", "v1");
    registry.delay(/^GET \/v2\/stall\/headers\/manifests\/v1$/, 120_000);
    const run = await services.attestOci(
      { subjects: image.reference, "registry-timeout": "1s", "github-attestations": "false" },
      { claims },
    );
    expect(run.exitCode).not.toBe(0);
    expect(
      registry.requests.filter((r) => r === "GET /v2/stall/headers/manifests/v1"),
    ).toHaveLength(4);
    const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors).toEqual([
      expect.stringMatching(
        /^attest-oci: registry 127\.0\.0\.1:\d+ did not answer GET \/v2\/stall\/headers\/manifests\/v1 within 1s \(4 attempts\)/,
      ),
    ]);
    expect(services.sigstore.requests.fulcio).toBe(0);
  });

  it("sends a request again when the registry closed the connection without answering", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startOciDouble();
    const image = seedImage(registry, "dropped/app", "v1");
    registry.dropNext(1, /^GET \/v2\/dropped\/app\/manifests\/v1$/);
    registry.dropNext(1, /^PUT \/v2\/dropped\/app\/manifests\/sha256:/);
    const run = await services.attestOci(
      { subjects: image.reference, "github-attestations": "false" },
      { claims },
    );
    expect(run.annotations.filter((a) => a.level === "error")).toEqual([]);
    expect(run.exitCode).toBe(0);
    const [subject] = JSON.parse(run.outputs.subjects as string);
    expect(subject.storage).toBe("referrers-api");
  });

  it("refuses a registry-timeout of no time at all instead of using another", async () => {
    const result = await runCli([
      "attest",
      "verify",
      "localhost:1/a/b:v1",
      "--repo",
      REPOSITORY,
      "--registry-timeout",
      "0s",
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /^status-gate attest: --registry-timeout is shorter than a second/,
    );
  });

  it("quotes only the start of an endless error page, and fails at once", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startOciDouble();
    const image = seedImage(registry, "endless/error", "v1");
    registry.serve("GET", "/v2/endless/error/manifests/v1", (response) => {
      response.writeHead(500, { "content-type": "text/html" });
      const page = Buffer.alloc(64 * 1024, "<p>sorry</p>");
      const more = () => {
        while (!response.destroyed && response.write(page));
        if (!response.destroyed) response.once("drain", more);
      };
      more();
    });
    const run = await services.attestOci(
      { subjects: image.reference, "github-attestations": "false" },
      { claims },
    );
    expect(run.exitCode).not.toBe(0);
    const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors).toEqual([
      expect.stringMatching(/^attest-oci: registry .*endless\/error: GET failed with HTTP 500/),
    ]);
  });

  it("abandons a body that stops half way, naming the registry", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startOciDouble();
    const image = seedImage(registry, "stall/body", "v1");
    registry.serve("GET", "/v2/stall/body/manifests/v1", (response) => {
      response.writeHead(200, { "content-type": OCI_MANIFEST, "content-length": "1000" });
      response.write('{"schemaVersion":');
    });
    const result = await runCli([
      "attest",
      "verify",
      image.reference,
      "--repo",
      REPOSITORY,
      "--trusted-root",
      services.trustedRoot,
      "--registry-timeout",
      "1s",
    ]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(
      /the manifest stall\/body:v1 from 127\.0\.0\.1:\d+ did not arrive in full within 1s/,
    );
  });
});

describe("a dry run", () => {
  it("resolves every subject and says what would be signed and stored, signing nothing", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startRegistryDouble();
    const component = await pusher(registry.host).wasmComponent("wasmcloud/planned", "v1");
    const writes = () => registry.requests.filter((r) => !/^(GET|HEAD) /.test(r)).length;
    const before = writes();
    const run = await services.attestOci(
      {
        subjects: component.reference,
        "subject-checksums": `${"ab".repeat(32)}  wash.tar.gz`,
        "dry-run": "true",
      },
      { claims },
    );
    expect(run.exitCode).toBe(0);
    expect(services.sigstore.requests.fulcio).toBe(0);
    expect(writes()).toBe(before);
    expect(services.github.state.repository(REPOSITORY).attestations).toHaveLength(0);
    const subjects = JSON.parse(run.outputs.subjects as string);
    expect(subjects.map((s: { digest: string }) => s.digest)).toEqual([
      component.digest,
      `sha256:${"ab".repeat(32)}`,
    ]);
    expect(subjects[0]["dry-run"]).toBe(true);
    expect(subjects[0].notes.join()).toContain(
      `would store the bundle as a referrer in ${registry.host}/wasmcloud/planned`,
    );
    expect(run.summary).toContain("Dry run");
  });
});

describe("HTTP through the runner's proxy", () => {
  it("sends registry, ID token and Sigstore requests through HTTPS_PROXY/HTTP_PROXY", async () => {
    await using proxy = await ForwardingProxy.start();
    await using services = await startServicesDisposable();
    await using registry = await startRegistryDouble();
    const component = await pusher(registry.host).wasmComponent("wasmcloud/proxied", "v1");
    // Host names only the proxy resolves: a request that bypassed it could not connect at all.
    const registryHost = registry.host.replace("127.0.0.1", "registry.test");
    const viaProxy = (url: string) => url.replace("127.0.0.1", "sigstore.test");
    const env = services.sigstore.runnerEnv(claims);
    const run = await services.attestOci(
      {
        subjects: component.reference.replace(registry.host, registryHost),
        "insecure-registries": registryHost,
        "fulcio-url": viaProxy(services.sigstore.fulcioUrl),
        "tsa-url": viaProxy(services.sigstore.tsaUrl),
        "github-attestations": "false",
      },
      {
        claims,
        env: {
          ...env,
          ACTIONS_ID_TOKEN_REQUEST_URL: viaProxy(env.ACTIONS_ID_TOKEN_REQUEST_URL as string),
          HTTP_PROXY: proxy.url,
          HTTPS_PROXY: proxy.url,
        },
      },
    );
    expect(run.annotations.filter((a) => a.level === "error")).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(proxy.countFor("registry.test")).toBeGreaterThan(3);
    // The ID token, the certificate and the timestamp.
    expect(proxy.countFor("sigstore.test")).toBeGreaterThanOrEqual(3);
    const [subject] = JSON.parse(run.outputs.subjects as string);
    expect(subject.storage).toBe("referrers-api");
  });
});
