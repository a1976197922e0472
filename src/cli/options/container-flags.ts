/**
 * The flags shared by `run` and `create` (docker-cli container_create.md /
 * container_run.md), declared once so both commands accept the same set.
 */
import type { Command } from "commander";

export interface ContainerFlags {
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  name?: string;
  env: string[];
  envFile: string[];
  workdir?: string;
  user?: string;
  volume: string[];
  mount: string[];
  tmpfs: string[];
  volumesFrom?: string[];
  entrypoint?: string;
  memory?: string;
  memorySwap?: string;
  cpus?: string;
  cpuShares?: string;
  cpuQuota?: string;
  cpuPeriod?: string;
  pidsLimit?: string;
  readOnly?: boolean;
  capAdd: string[];
  capDrop: string[];
  privileged?: boolean;
  network?: string;
  init?: boolean;
  ulimit: string[];
  securityOpt: string[];
  label: string[];
  restart?: string;
  stopSignal?: string;
  stopTimeout?: string;
  hostname?: string;
  publish: string[];
  expose: string[];
  platform?: string;
  publishAll?: boolean;
  ip?: string;
  networkAlias?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOption?: string[];
  addHost?: string[];
  macAddress?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addContainerFlags(cmd: Command): Command {
  return cmd
    .option("-i, --interactive", "Keep STDIN open even if not attached")
    .option("-t, --tty", "Allocate a pseudo-TTY")
    .option("--rm", "Automatically remove the container when it exits")
    .option("--name <name>", "Assign a name to the container")
    .option("-e, --env <list>", "Set environment variables", collect, [])
    .option("--env-file <file>", "Read in a file of environment variables", collect, [])
    .option("-w, --workdir <dir>", "Working directory inside the container")
    .option("-u, --user <user>", "Username or UID (format: <name|uid>[:<group|gid>])")
    .option("-v, --volume <list>", "Bind mount a volume", collect, [])
    .option("--mount <mount>", "Attach a filesystem mount to the container", collect, [])
    .option("--tmpfs <list>", "Mount a tmpfs directory", collect, [])
    .option("--volumes-from <list>", "Mount volumes from the specified container(s)", collect, [])
    .option("--entrypoint <command>", "Overwrite the default ENTRYPOINT of the image")
    .option("-m, --memory <bytes>", "Memory limit")
    .option("--memory-swap <bytes>", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    .option("--cpus <decimal>", "Number of CPUs")
    .option("-c, --cpu-shares <int>", "CPU shares (relative weight)")
    .option("--cpu-quota <int>", "Limit CPU CFS (Completely Fair Scheduler) quota")
    .option("--cpu-period <int>", "Limit CPU CFS (Completely Fair Scheduler) period")
    .option("--pids-limit <int>", "Tune container pids limit (set -1 for unlimited)")
    .option("--read-only", "Mount the container's root filesystem as read only")
    .option("--cap-add <list>", "Add Linux capabilities", collect, [])
    .option("--cap-drop <list>", "Drop Linux capabilities", collect, [])
    .option("--privileged", "Give extended privileges to this container")
    .option("--network, --net <network>", "Connect a container to a network")
    .option("--init", "Run an init inside the container that forwards signals and reaps processes")
    .option("--ulimit <ulimit>", "Ulimit options", collect, [])
    .option("--security-opt <list>", "Security Options", collect, [])
    .option("-l, --label <list>", "Set meta data on a container", collect, [])
    .option("--restart <policy>", "Restart policy to apply when a container exits", "no")
    .option("--stop-signal <signal>", "Signal to stop the container")
    .option("--stop-timeout <int>", "Timeout (in seconds) to stop a container")
    .option("-h, --hostname <name>", "Container host name")
    .option("-p, --publish <list>", "Publish a container's port(s) to the host", collect, [])
    .option("--expose <list>", "Expose a port or a range of ports", collect, [])
    .option("--platform <platform>", "Set platform if server is multi-platform capable")
    .option("-P, --publish-all", "Publish all exposed ports to random ports")
    .option("--ip <address>", "IPv4 address (e.g., 172.30.100.104)")
    .option("--network-alias <list>", "Add network-scoped alias for the container", collect, [])
    .option("--dns <list>", "Set custom DNS servers", collect, [])
    .option("--dns-search <list>", "Set custom DNS search domains", collect, [])
    .option("--dns-option <list>", "Set DNS options", collect, [])
    .option("--add-host <list>", "Add a custom host-to-IP mapping (host:ip)", collect, [])
    .option("--mac-address <string>", "Container MAC address (e.g., 92:d0:c6:0a:29:33)");
}
