import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";

/** One request that went through the proxy: `CONNECT host:port` or `GET http://host:port/path`. */
export interface ProxiedRequest {
  method: string;
  /** `host:port` as the client asked for it. */
  authority: string;
  /** The path of a plain HTTP request; undefined for a CONNECT tunnel. */
  path: string | undefined;
}

/**
 * A forwarding HTTP proxy on loopback, as a self-hosted runner's `HTTPS_PROXY` points at: plain
 * requests in absolute form and `CONNECT` tunnels. Every host name resolves to 127.0.0.1 (the
 * port is kept), so a client can be given a host that does not exist (`api.github.test`): its
 * requests then reach the test server only through the proxy, and `requests` says what went
 * through.
 */
export class ForwardingProxy implements AsyncDisposable {
  readonly url: string;
  readonly requests: ProxiedRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<ForwardingProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const proxy = new ForwardingProxy(server);
    server.on("connection", (socket) => {
      proxy.sockets.add(socket);
      socket.on("close", () => proxy.sockets.delete(socket));
    });
    server.on("request", (incoming, outgoing) => proxy.forward(incoming, outgoing));
    server.on("connect", (incoming: IncomingMessage, client: Socket, head: Buffer) => {
      const authority = incoming.url ?? "";
      proxy.requests.push({ method: "CONNECT", authority, path: undefined });
      const port = Number(authority.split(":").pop());
      const upstream = connect(port, "127.0.0.1", () => {
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      proxy.sockets.add(upstream);
      upstream.on("close", () => proxy.sockets.delete(upstream));
      const end = () => {
        upstream.destroy();
        client.destroy();
      };
      upstream.on("error", end);
      client.on("error", end);
    });
    return proxy;
  }

  /** How many requests went to a host (`api.github.test`), CONNECTs and plain ones. */
  countFor(host: string): number {
    return this.requests.filter((request) => request.authority.split(":")[0] === host).length;
  }

  private forward(incoming: IncomingMessage, outgoing: import("node:http").ServerResponse) {
    let target: URL;
    try {
      target = new URL(incoming.url ?? "");
    } catch {
      outgoing.writeHead(400).end("a proxy takes absolute-form requests");
      return;
    }
    this.requests.push({
      method: incoming.method ?? "GET",
      authority: target.host,
      path: target.pathname,
    });
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: Number(target.port || 80),
        method: incoming.method,
        path: `${target.pathname}${target.search}`,
        headers: incoming.headers,
        // The proxy's own request must not go through a proxy of the test process.
        agent: false,
        setHost: false,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", () => outgoing.headersSent || outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
