/**
 * Service defaulting and allocation: clusterIPs from the service CIDR,
 * nodePorts (and healthCheckNodePort for LoadBalancer/Local) from
 * 30000–32767, released on delete, kept across updates that omit them (as
 * the apiserver's patchAllocatedValues does).
 */
import type { StatusCause } from "./errors.ts";
import type { KObj } from "./store.ts";

type Obj = Record<string, unknown>;
interface Port extends Obj {
  port?: number;
  nodePort?: number;
  targetPort?: unknown;
  protocol?: string;
}

/** The default service CIDR, 10.96.0.0/12. */
export const SERVICE_CIDR = "10.96.0.0/12";
const CIDR_BASE = (10 << 24) | (96 << 16);
const CIDR_SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function ipToInt(ip: string): number | undefined {
  const p = ip.split(".").map(Number);
  if (
    p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)
  ) return undefined;
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function needsNodePorts(type: unknown): boolean {
  return type === "NodePort" || type === "LoadBalancer";
}

/** Node ports a Service spec holds (nodePorts and healthCheckNodePort). */
function heldPorts(spec: Obj): number[] {
  const ports = ((spec.ports ?? []) as Port[]).flatMap((p) =>
    p.nodePort ? [p.nodePort] : []
  );
  return spec.healthCheckNodePort
    ? [...ports, spec.healthCheckNodePort as number]
    : ports;
}

/** The one cause kube-apiserver v1.37 reports when a set clusterIP changes. */
function ipChangeCauses(ip: string | undefined): StatusCause[] {
  return [{
    reason: "FieldValueInvalid",
    message: `Invalid value: ${JSON.stringify([ip])}: may not change once set`,
    field: "spec.clusterIPs[0]",
  }];
}

/** IP and port allocation state of one cluster. */
export class ServiceAllocator {
  #ips = new Set<string>();
  #ports = new Set<number>();
  #nextIp = 10;
  #nextPort = NODE_PORT_MIN;
  #added: (string | number)[] = [];

  /** Fills defaults and allocates; returns causes (422) on conflicts. */
  allocate(svc: KObj, old?: KObj): StatusCause[] {
    const spec = (svc.spec ??= {}) as Obj;
    const oldSpec = (old?.spec ?? {}) as Obj;
    spec.type ??= "ClusterIP";
    spec.sessionAffinity ??= "None";
    spec.ipFamilies ??= ["IPv4"];
    spec.ipFamilyPolicy ??= "SingleStack";
    spec.internalTrafficPolicy ??= "Cluster";
    const ports = (spec.ports ?? []) as Port[];
    for (const p of ports) {
      p.protocol ??= "TCP";
      p.targetPort ??= p.port;
    }
    if (needsNodePorts(spec.type)) spec.externalTrafficPolicy ??= "Cluster";
    this.#added = [];
    const causes = this.#clusterIp(spec, oldSpec);
    causes.push(...this.#nodePorts(spec, oldSpec));
    causes.push(...this.#healthCheckPort(spec, oldSpec));
    if (causes.length > 0) this.#rollback();
    return causes;
  }

  /** LoadBalancer + externalTrafficPolicy Local get a healthCheckNodePort. */
  #healthCheckPort(spec: Obj, oldSpec: Obj): StatusCause[] {
    const field = "spec.healthCheckNodePort";
    const wanted = spec.type === "LoadBalancer" &&
      spec.externalTrafficPolicy === "Local";
    if (!wanted) {
      if (!spec.healthCheckNodePort) return [];
      const m =
        `Invalid value: ${spec.healthCheckNodePort}: may only be set when \`type\` is 'LoadBalancer' and ` +
        "`externalTrafficPolicy` is 'Local'";
      return [{ reason: "FieldValueInvalid", message: m, field }];
    }
    spec.healthCheckNodePort ||= oldSpec.healthCheckNodePort;
    const port = spec.healthCheckNodePort as number | undefined;
    if (port && port === oldSpec.healthCheckNodePort) return [];
    const problems = port ? this.#claim(port, field) : [];
    if (problems.length > 0) return problems;
    const chosen = port ?? this.#freePort();
    spec.healthCheckNodePort = chosen;
    this.#ports.add(chosen);
    this.#added.push(chosen);
    return [];
  }

  /** Undoes the claims of a failed allocate() so nothing leaks. */
  #rollback(): void {
    for (const a of this.#added) {
      if (typeof a === "string") this.#ips.delete(a);
      else this.#ports.delete(a);
    }
  }

  #clusterIp(spec: Obj, oldSpec: Obj): StatusCause[] {
    if (spec.type === "ExternalName") return [];
    // Only clusterIPs given: its first entry is the requested clusterIP.
    const ips = spec.clusterIPs as string[] | undefined;
    if (!spec.clusterIP && ips?.[0]) spec.clusterIP = ips[0];
    if (!spec.clusterIP && oldSpec.clusterIP) {
      spec.clusterIP = oldSpec.clusterIP;
    }
    const ip = spec.clusterIP as string | undefined;
    if (ip === "None" || (ip && ip === oldSpec.clusterIP)) {
      spec.clusterIPs ??= [ip];
      return [];
    }
    if (oldSpec.clusterIP) return ipChangeCauses(ip);
    const problem = ip ? this.#requestedIpProblem(ip) : undefined;
    if (problem) return [problem];
    const chosen = ip ?? this.#freeIp();
    this.#ips.add(chosen);
    this.#added.push(chosen);
    spec.clusterIP = chosen;
    spec.clusterIPs = [chosen];
    return [];
  }

  /** kube-apiserver v1.37's causes: validation first, then its IPAddress allocator's. */
  #requestedIpProblem(ip: string): StatusCause | undefined {
    const n = ipToInt(ip);
    if (n === undefined) {
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${
          JSON.stringify(ip)
        }: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
        field: "spec.clusterIPs[0]",
      };
    }
    const why = n < CIDR_BASE || n >= CIDR_BASE + CIDR_SIZE
      ? "the provided network does not match the current range"
      : this.#ips.has(ip)
      ? "provided IP is already allocated"
      : undefined;
    if (!why) return undefined;
    const message = `Invalid value: ${
      JSON.stringify([ip])
    }: failed to allocate IP ${ip}: ${why}`;
    return { reason: "FieldValueInvalid", message, field: "spec.clusterIPs" };
  }

  #freeIp(): string {
    for (let i = 0; i < CIDR_SIZE; i++) {
      const ip = intToIp(CIDR_BASE + ((this.#nextIp + i) % CIDR_SIZE));
      if (!this.#ips.has(ip)) {
        this.#nextIp += i + 1;
        return ip;
      }
    }
    throw new Error("service CIDR exhausted");
  }

  #nodePorts(spec: Obj, oldSpec: Obj): StatusCause[] {
    const ports = (spec.ports ?? []) as Port[];
    const oldPorts = (oldSpec.ports ?? []) as Port[];
    const mine = new Set<number>(
      oldPorts.flatMap((p) => p.nodePort === undefined ? [] : [p.nodePort]),
    );
    const causes: StatusCause[] = [];
    if (!needsNodePorts(spec.type)) {
      ports.forEach((p, i) => {
        if (p.nodePort) {
          causes.push({
            reason: "FieldValueForbidden",
            message:
              `Forbidden: may not be used when \`type\` is '${spec.type}'`,
            field: `spec.ports[${i}].nodePort`,
          });
        }
      });
      return causes;
    }
    ports.forEach((p, i) => {
      if (!p.nodePort) {
        const same = oldPorts.find((o) =>
          o.port === p.port && o.protocol === p.protocol
        );
        if (same?.nodePort) p.nodePort = same.nodePort;
      }
      if (p.nodePort !== undefined && mine.has(p.nodePort)) return;
      const problems = p.nodePort
        ? this.#claim(p.nodePort, `spec.ports[${i}].nodePort`)
        : [];
      causes.push(...problems);
      if (problems.length > 0) return;
      p.nodePort ??= this.#freePort();
      this.#ports.add(p.nodePort);
      this.#added.push(p.nodePort);
    });
    return causes;
  }

  #claim(port: number, field: string): StatusCause[] {
    if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
      const m =
        `Invalid value: ${port}: provided port is not in the valid range. ` +
        `The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`;
      return [{ reason: "FieldValueInvalid", message: m, field }];
    }
    if (this.#ports.has(port)) {
      const m = `Invalid value: ${port}: provided port is already allocated`;
      return [{ reason: "FieldValueInvalid", message: m, field }];
    }
    return [];
  }

  #freePort(): number {
    const span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    for (let i = 0; i < span; i++) {
      const port = NODE_PORT_MIN +
        ((this.#nextPort - NODE_PORT_MIN + i) % span);
      if (!this.#ports.has(port)) {
        this.#nextPort = port + 1;
        return port;
      }
    }
    throw new Error("node port range exhausted");
  }

  /** Frees what a stored Service held (delete, or after a failed write). */
  release(svc: KObj, keep?: KObj): void {
    const spec = (svc.spec ?? {}) as Obj;
    const keepSpec = (keep?.spec ?? {}) as Obj;
    if (
      typeof spec.clusterIP === "string" &&
      spec.clusterIP !== keepSpec.clusterIP
    ) {
      this.#ips.delete(spec.clusterIP);
    }
    const kept = new Set(heldPorts(keepSpec));
    for (const port of heldPorts(spec)) {
      if (!kept.has(port)) this.#ports.delete(port);
    }
  }
}
