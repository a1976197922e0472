/** Host-side helpers for the network tests: the host's address and a plain HTTP GET. */
import http from "node:http";
import os from "node:os";

/** The host's first non-loopback IPv4 address. */
export function hostAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  throw new Error("no non-loopback IPv4 address on this host");
}

/** GET / over HTTP/1.0 from the host; resolves with the status line's code and the body. */
export function httpGet(host: string, port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path: "/", timeout: 5000, agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error(`timeout fetching ${host}:${port}`)));
    req.on("error", reject);
  });
}

