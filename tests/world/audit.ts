/**
 * Request counters of a real cluster, read from kube-apiserver's audit log (JSON lines, level
 * Metadata): the real-world equivalent of kube-sim's `Counters`, with the same methods, so a test
 * asserting "no DR writes" runs in both worlds. Requests of the control plane itself
 * (kube-apiserver loopback, kube-controller-manager) are not counted; the test's own and the
 * controller's are, as in kube-sim.
 */
import type { CounterFilter } from "../sim/counters.ts";

/** What both worlds' counters offer. */
export interface RequestCounters {
  get(verb: string, resource: string, group?: string): number;
  total(f?: CounterFilter): number;
  snapshot(): Record<string, number>;
  reset(): void;
}

/** The audit policy the real world runs with: metadata of every resource request but its own. */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: None
    users: ["system:apiserver"]
  - level: None
    nonResourceURLs: ["/*"]
  - level: Metadata
`;

/** One counted request. */
export interface AuditRecord {
  verb: string;
  group: string;
  /** With its subresource: "namespacereplications/status". */
  resource: string;
  user: string;
  code: number;
  /** ms since epoch when the API server received it. */
  at: number;
}

const CONTROL_PLANE_AGENT = /^kube-(apiserver|controller-manager)\//;

/**
 * The request one audit line stands for, or undefined when it is not counted: a control-plane
 * request, a non-resource one, or the second event of a watch (counted once, when it starts).
 */
export function auditRecord(line: string): AuditRecord | undefined {
  let e;
  try {
    e = JSON.parse(line);
  } catch {
    return undefined; // a line cut mid-write
  }
  if (!e.objectRef?.resource) return undefined;
  if (CONTROL_PLANE_AGENT.test(e.userAgent ?? "")) return undefined;
  const longRunning = e.verb === "watch";
  if (
    longRunning ? e.stage !== "ResponseStarted" : e.stage !== "ResponseComplete"
  ) {
    // A watch refused before it started has only ResponseComplete.
    if (
      !(longRunning && e.stage === "ResponseComplete" &&
        e.responseStatus?.code >= 400)
    ) {
      return undefined;
    }
  }
  const ref = e.objectRef;
  return {
    verb: e.verb,
    group: ref.apiGroup ?? "",
    resource: ref.subresource
      ? `${ref.resource}/${ref.subresource}`
      : ref.resource,
    user: e.user?.username ?? "",
    code: e.responseStatus?.code ?? 0,
    at: Date.parse(e.requestReceivedTimestamp),
  };
}

/** Counters over an audit log file that kube-apiserver appends to. */
export class AuditCounters implements RequestCounters {
  #offset = 0;
  #since = 0;

  constructor(readonly path: string) {}

  /** Requests received since the last reset (or since the cluster started). */
  records(): AuditRecord[] {
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(this.path);
    } catch {
      return [];
    }
    const text = new TextDecoder().decode(bytes.subarray(this.#offset));
    const out: AuditRecord[] = [];
    for (const line of text.split("\n")) {
      const r = line ? auditRecord(line) : undefined;
      if (r && r.at >= this.#since) out.push(r);
    }
    return out;
  }

  get(verb: string, resource: string, group?: string): number {
    return this.total({ verbs: [verb], resources: [resource], group });
  }

  total(f: CounterFilter = {}): number {
    return this.records().filter((r) =>
      (!f.verbs || f.verbs.includes(r.verb)) &&
      (!f.resources || f.resources.includes(r.resource)) &&
      (f.group === undefined || f.group === r.group)
    ).length;
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records()) {
      const k = `${r.verb} ${r.group ? r.group + "/" : ""}${r.resource}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  /**
   * Forgets what was counted. Lines already written are skipped by offset; a request received
   * before now whose event is written later is skipped by its receive time.
   */
  reset(): void {
    try {
      this.#offset = Deno.statSync(this.path).size;
    } catch {
      this.#offset = 0;
    }
    this.#since = Date.now();
  }
}
