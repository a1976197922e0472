/**
 * /_ping, /version, /info. The CLI's first request is HEAD /_ping; the
 * headers it reads (Api-Version, Ostype, Docker-Experimental) are set on every
 * response by the server; /_ping adds the no-cache headers (transcript 01).
 */
import os from "node:os";
import type { Router } from "../router.js";
import { sendJson } from "../http-io.js";
import { MAX_API_VERSION, MIN_API_VERSION } from "../version.js";

export interface SystemFacts {
  version: string;
  dataRoot: string;
  execRoot: string;
  defaultRuntime: string;
  runtimes: string[];
  cgroupVersion: "1" | "2";
  /** The daemon's --insecure-registry entries ("host[:port]" or CIDR); loopback is implied. */
  insecureRegistries?: readonly string[];
  counts: () => Promise<{ containers: number; running: number; paused: number; stopped: number; images: number }>;
}

const GO_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" };

export function goArch(): string {
  return GO_ARCH[process.arch] ?? process.arch;
}

/**
 * /info's RegistryConfig as Docker builds it: CIDR entries (plus the implied
 * 127.0.0.0/8) in InsecureRegistryCIDRs; every other entry, and docker.io,
 * in IndexConfigs with Secure false for listed ones.
 */
export function registryConfig(insecure: readonly string[] = []): Record<string, unknown> {
  const cidrs = ["127.0.0.0/8"];
  const indexConfigs: Record<string, unknown> = {};
  for (const e of insecure) {
    if (e.includes("/")) {
      if (!cidrs.includes(e)) cidrs.push(e);
    } else {
      indexConfigs[e] = { Name: e, Mirrors: [], Secure: false, Official: false };
    }
  }
  indexConfigs["docker.io"] = { Name: "docker.io", Mirrors: [], Secure: true, Official: true };
  return { InsecureRegistryCIDRs: cidrs, IndexConfigs: indexConfigs, Mirrors: [] };
}

export function addSystemRoutes(r: Router, f: SystemFacts): void {
  const ping = (ctx: Parameters<Parameters<Router["add"]>[2]>[0]) => {
    ctx.res.setHeader("Cache-Control", "no-cache, no-store, must-revalidate");
    ctx.res.setHeader("Pragma", "no-cache");
    ctx.res.setHeader("Builder-Version", "1");
    if (ctx.req.method === "HEAD") {
      ctx.res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": "0" });
      ctx.res.end();
      return;
    }
    ctx.res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": "2" });
    ctx.res.end("OK");
  };
  r.add("GET", "/_ping", ping);

  r.add("GET", "/version", (ctx) => {
    sendJson(ctx.res, 200, {
      Platform: { Name: "berth" },
      Components: [
        { Name: "Engine", Version: f.version, Details: { ApiVersion: MAX_API_VERSION, Arch: goArch(), KernelVersion: os.release(), MinAPIVersion: MIN_API_VERSION, Os: "linux" } },
        { Name: f.defaultRuntime, Version: "", Details: { GitCommit: "" } },
      ],
      Version: f.version,
      ApiVersion: MAX_API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: "",
      GoVersion: `node${process.versions.node}`,
      Os: "linux",
      Arch: goArch(),
      KernelVersion: os.release(),
      BuildTime: "",
    });
  });

  r.add("GET", "/info", async (ctx) => {
    const c = await f.counts();
    sendJson(ctx.res, 200, {
      ID: "",
      Containers: c.containers,
      ContainersRunning: c.running,
      ContainersPaused: c.paused,
      ContainersStopped: c.stopped,
      Images: c.images,
      Driver: "overlayfs",
      DriverStatus: [["Backing Filesystem", "overlay"]],
      Plugins: { Volume: [], Network: ["host", "none"], Authorization: null, Log: ["k8s-file"] },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      OomKillDisable: f.cgroupVersion === "1",
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: "k8s-file",
      CgroupDriver: "cgroupfs",
      CgroupVersion: f.cgroupVersion,
      NEventsListener: 0,
      KernelVersion: os.release(),
      OperatingSystem: "berth on Linux",
      OSVersion: "",
      OSType: "linux",
      Architecture: os.machine(),
      IndexServerAddress: "https://index.docker.io/v1/",
      RegistryConfig: registryConfig(f.insecureRegistries),
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      DockerRootDir: f.dataRoot,
      HttpProxy: "",
      HttpsProxy: "",
      NoProxy: "",
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: f.version,
      Runtimes: Object.fromEntries(f.runtimes.map((n) => [n, { path: n }])),
      DefaultRuntime: f.defaultRuntime,
      Swarm: { NodeID: "", NodeAddr: "", LocalNodeState: "inactive", ControlAvailable: false, Error: "", RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: "",
      InitBinary: "tini",
      ContainerdCommit: { ID: "", Expected: "" },
      RuncCommit: { ID: "", Expected: "" },
      InitCommit: { ID: "", Expected: "" },
      SecurityOptions: ["name=cgroupns"],
      Warnings: [],
    });
  });
}
