import { readFileSync } from "node:fs";
import { createServer as createHttpServer, request, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pusher } from "../attest-oci/artifacts.ts";
import { REPOSITORY, startServicesDisposable, WORKFLOW } from "../attest-oci/fixtures.ts";
import { startRegistryDouble } from "../attest-oci/registry-double.ts";
import { bundleEntry } from "../harness/bundle.ts";
import { type ActionRun, runAction } from "../harness/runner.ts";
import { githubClaims } from "../harness/sigstore.ts";

// Every HTTP client of the suite must route a request the same way: through the runner's proxy,
// or straight to the server where no_proxy (or loopback) says so, as GitHub's runner decides.
// Each client of the fixture action requests its own port, so the proxy's log says which went
// through it; a name like api.corp.test resolves only at the proxy, so a client that went
// straight fails to connect, which its output says.

const FIXTURES = join(import.meta.dirname, "fixtures");
const CLIENTS = [
  "fetch",
  "default-agent",
  "proxied-agent",
  "gate-api",
  "octokit",
  "s3",
  "sigstore",
  "id-token",
] as const;
type Client = (typeof CLIENTS)[number];

/**
 * A forwarding proxy of this test's own: absolute-form requests and CONNECT tunnels, every name
 * resolved to 127.0.0.1; `seen` lists each `host:port` asked for.
 */
class ProxyDouble {
  readonly seen: string[] = [];
  readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createHttpServer((incoming, outgoing) => {
      const target = new URL(incoming.url ?? "");
      this.seen.push(target.host);
      const upstream = request(
        {
          host: "127.0.0.1",
          port: Number(target.port),
          method: incoming.method,
          path: target.pathname + target.search,
          headers: incoming.headers,
          agent: false,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on("error", () => outgoing.writeHead(502).end());
      incoming.pipe(upstream);
    });
    this.server.on("connection", (socket) => this.track(socket));
    this.server.on("connect", (incoming, client: Socket, head: Buffer) => {
      this.seen.push(incoming.url ?? "");
      const upstream = connect(Number(incoming.url?.split(":").pop()), "127.0.0.1", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client).pipe(upstream);
      });
      this.track(upstream);
      const end = () => {
        upstream.destroy();
        client.destroy();
      };
      upstream.on("error", end);
      client.on("error", end);
    });
  }

  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private track(socket: Socket) {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
  }

  close() {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }
}

const tls = {
  key: readFileSync(join(FIXTURES, "tls/key.pem")),
  cert: readFileSync(join(FIXTURES, "tls/cert.pem")),
};
const answer = (_: unknown, outgoing: import("node:http").ServerResponse) => {
  outgoing.writeHead(200, { "content-type": "application/json" }).end('{"value":"token"}');
};

let main: string;
let removeBundle: () => void;
let proxy: ProxyDouble;
/** One https and one http server per client, so the proxy's log names the client by port. */
const ports: Record<"https" | "http", Record<string, number>> = { https: {}, http: {} };
const servers: Server[] = [];

beforeAll(async () => {
  ({ main, remove: removeBundle } = await bundleEntry(join(FIXTURES, "http-clients/main.ts")));
  proxy = new ProxyDouble();
  await new Promise<void>((resolve) => proxy.server.listen(0, "127.0.0.1", resolve));
  for (const client of CLIENTS) {
    for (const [scheme, server] of [
      ["https", createHttpsServer(tls, answer)],
      ["http", createHttpServer(answer)],
    ] as const) {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      servers.push(server);
      ports[scheme][client] = (server.address() as AddressInfo).port;
    }
  }
});

afterAll(() => {
  proxy?.close();
  for (const server of servers) server.close();
  removeBundle();
});

interface Routes {
  /** The clients whose request went through the proxy. */
  proxied: Client[];
  /** What each client's request came to. */
  outputs: ActionRun["outputs"];
  run: ActionRun;
}

/** Every client requests `host` (its own port) under `env`; which went through the proxy? */
async function route(host: string, env: Record<string, string>, scheme = "https"): Promise<Routes> {
  const portOf = ports[scheme as "https" | "http"];
  const targets = Object.fromEntries(
    CLIENTS.map((client) => [client, `${scheme}://${host}:${portOf[client]}/`]),
  );
  const before = proxy.seen.length;
  const run = await runAction({
    action: join(FIXTURES, "http-clients"),
    main,
    inputs: { targets: JSON.stringify(targets) },
    env: {
      NODE_EXTRA_CA_CERTS: join(FIXTURES, "tls/cert.pem"),
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      ...env,
    },
  });
  expect(run.annotations.filter((a) => a.level === "error")).toEqual([]);
  const seen = new Set(proxy.seen.slice(before));
  const bareHost = host.replace(/^\[|\]$/g, "");
  const proxied = CLIENTS.filter(
    (client) => seen.has(`${host}:${portOf[client]}`) || seen.has(`${bareHost}:${portOf[client]}`),
  );
  return { proxied, outputs: run.outputs, run };
}

const ALL = [...CLIENTS];
const everyOutput = (value: string) => Object.fromEntries(CLIENTS.map((c) => [c, value]));

describe("HTTP through the runner's proxy, every client alike", () => {
  it("sends https requests of every client through HTTPS_PROXY with CONNECT", async () => {
    const { proxied, outputs } = await route("api.corp.test", { HTTPS_PROXY: proxy.url });
    expect(proxied).toEqual(ALL);
    expect(outputs).toEqual(everyOutput("answered"));
  });

  it("sends http requests of every client through http_proxy", async () => {
    const { proxied, outputs } = await route("api.corp.test", { http_proxy: proxy.url }, "http");
    expect(proxied).toEqual(ALL);
    expect(outputs).toEqual(everyOutput("answered"));
  });

  it.each([["localhost"], ["127.0.0.1"]])(
    "never sends a loopback request (%s) through the proxy, as the runner does",
    async (host) => {
      const { proxied, outputs } = await route(host, { HTTPS_PROXY: proxy.url });
      expect(proxied).toEqual([]);
      expect(outputs).toEqual(everyOutput("answered"));
    },
  );

  it.each([["corp.test"], [".corp.test"], ["*.corp.test"], ["other.test, CORP.test"]])(
    "reaches a name and every name under no_proxy=%s directly, and others through the proxy",
    async (noProxy) => {
      const env = { HTTPS_PROXY: proxy.url, NO_PROXY: noProxy };
      for (const host of ["corp.test", "api.corp.test"]) {
        const { proxied, outputs } = await route(host, env);
        expect(proxied, host).toEqual([]);
        // Straight to a name that only the proxy resolves: the request cannot connect.
        expect(
          Object.values(outputs).every((o) => o.startsWith("failed")),
          host,
        ).toBe(true);
      }
      expect((await route("notcorp.test", env)).proxied).toEqual(ALL);
    },
  );

  it("reaches every host directly for no_proxy=*", async () => {
    const { proxied } = await route("api.corp.test", { https_proxy: proxy.url, no_proxy: "*" });
    expect(proxied).toEqual([]);
  });

  it("narrows a no_proxy entry with a port to that port", async () => {
    const env = { HTTPS_PROXY: proxy.url, no_proxy: `corp.test:${ports.https.fetch}` };
    const { proxied } = await route("corp.test", env);
    // Sigstore's client (npm's agent) knows no ports in no_proxy: it keeps to the proxy.
    expect(proxied).toEqual(ALL.filter((client) => client !== "fetch"));
  });

  it("takes the lower-case variables before the upper-case ones, as the runner, Node and curl do", async () => {
    const { proxied, outputs } = await route("api.corp.test", {
      https_proxy: proxy.url,
      HTTPS_PROXY: "http://127.0.0.1:9",
      no_proxy: "other.test",
      NO_PROXY: "corp.test",
    });
    expect(proxied).toEqual(ALL);
    expect(outputs).toEqual(everyOutput("answered"));
  });

  it("reads a proxy without a scheme as http://, as curl does", async () => {
    const { proxied } = await route("api.corp.test", {
      HTTPS_PROXY: proxy.url.replace("http://", ""),
    });
    expect(proxied).toEqual(ALL);
  });

  it("refuses a proxy that is not an http(s) URL, naming the variable", async () => {
    const run = await runAction({
      action: join(FIXTURES, "http-clients"),
      main,
      inputs: { targets: JSON.stringify({ fetch: "https://api.corp.test/" }) },
      env: { https_proxy: "socks5://127.0.0.1:1080" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      "http-clients: https_proxy is 'socks5://127.0.0.1:1080'; the suite's clients speak to http:// and https:// proxies only",
    ]);
    expect(run.stdout).not.toMatch(/^\s+at /m);
  });
});

describe("the built attest-oci behind a proxy", () => {
  it("reaches a registry, Sigstore and the ID token service on loopback directly, as the runner does", async () => {
    // attest-oci loads Sigstore's clients with its entry, and they read the proxy variables as
    // they load: this holds only if the entry writes them out first.
    await using services = await startServicesDisposable();
    await using registry = await startRegistryDouble();
    const component = await pusher(registry.host).wasmComponent("wasmcloud/local", "v1");
    const before = proxy.seen.length;
    const run = await services.attestOci(
      {
        subjects: component.reference,
        "insecure-registries": registry.host,
        "github-attestations": "false",
      },
      {
        claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW }),
        env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url },
      },
    );
    expect(run.annotations.filter((a) => a.level === "error")).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(proxy.seen.slice(before), run.log).toEqual([]);
  });
});
