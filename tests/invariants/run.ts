/**
 * Runs one operation sequence against kube-sim with the real controller
 * (tests/controllers/harness.ts, as deploy/'s identities) and judges it from
 * the change record after every step; at the end, faults cleared, waits for
 * quiescence and checks convergence (c).
 */
import "../../lib/preload.ts";
import {
  ANNOTATION_PROMOTED,
  type NamespaceReplicationSpec,
} from "../../lib/api/v1alpha1.ts";
import { ApiCluster } from "../../lib/engine/api-ports.ts";
import { ClusterClient } from "../../lib/kube/client.ts";
import type { ApiResource, KubeObject } from "../../lib/sync/types.ts";
import {
  demoteNamespace,
  promoteNamespace,
} from "../../lib/workflows/standby.ts";
import {
  conditionOf,
  type E2e,
  NS,
  simOf,
  statusOf,
  until,
  withController,
} from "../controllers/harness.ts";
import type { SimCluster } from "../sim/mod.ts";
import {
  ANNOTATION_ALLOW_MASS_PRUNE,
  checkSafety,
  type Model,
  type Violation,
} from "./checks.ts";
import { checkConverged, type Pair } from "./convergence.ts";
import { describeOp, type Kind, type Op, type WebMapping } from "./ops.ts";
import { ChangeRecorder } from "./record.ts";

export const REPLICATION = "r";
const CLI_USER = "dr-syncer-cli";
const CONTROLLER_USERS = [
  `system:serviceaccount:${NS}:dr-syncer`,
  `system:serviceaccount:${NS}:dr-syncer-remote`,
];
const PRUNE = { minObjects: 3, maxDeleteFraction: 0.5, maxDeletesPerHour: 4 };

export interface RunOptions {
  /** Pause after each step before it is judged. */
  stepPauseMs?: number;
  /**
   * How long quiescence may take at the end: a pass failed by repeated DR
   * outages retries with backoff (5 s, doubling), so 20 s was too short on a
   * loaded machine.
   */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface RunResult {
  violations: Violation[];
  /** Index of the step after which they were found; ops.length = at the end. */
  at?: number;
  /** Changes recorded on both clusters. */
  changes: number;
  /** The harness itself failed (not a verdict on the product). */
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function b64(s: string): string {
  return btoa(s);
}

function sourceObject(kind: Kind, name: string, v: number, tier: string) {
  const labels = { tier, app: name };
  switch (kind) {
    case "cm":
      return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, labels },
        data: { v: String(v) },
      };
    case "secret":
      return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, labels },
        data: { v: b64(String(v)) },
      };
    case "deploy":
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, labels },
        spec: {
          replicas: 1 + (v % 3),
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: { containers: [{ name: "c", image: `img:${v}` }] },
          },
        },
      };
    case "sa":
      // "a" stands for the cluster-made `default` ServiceAccount.
      return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: name === "a" ? "default" : `sa-${name}`, labels },
        imagePullSecrets: [{ name: `pull-${v}` }],
      };
  }
}

/** The live harness state one sequence runs in. */
class Run {
  readonly recorder = new ChangeRecorder();
  readonly model: Model;
  readonly sim: Record<string, SimCluster>;
  spec: Partial<NamespaceReplicationSpec>;
  annotations: Record<string, string> = {};
  shopDest: "shop-dr" | "shop-dr2" = "shop-dr";
  web: WebMapping = "web-dr";
  maxLatency = 0;
  restoreDr?: () => Promise<void>;
  running = false;
  tokens = 0;
  readonly types: Record<Kind, ApiResource>;
  readonly destinations = new Set(["shop-dr", "web-dr"]);
  readonly adopt: { from: number; to?: number }[] = [];
  readonly releases: number[] = [];

  constructor(readonly e: E2e, readonly cli: ApiCluster) {
    this.sim = simOf(e);
    this.types = {
      cm: e.type("configmaps"),
      secret: e.type("secrets"),
      deploy: e.type("deployments", "apps"),
      sa: e.type("serviceaccounts"),
    };
    this.spec = {
      remoteClusterRef: { name: "dr" },
      namespaceMappingRefs: [{ name: "shop" }, { name: "web" }],
      resyncInterval: "2s",
      resourceTypes: {
        include: ["configmaps", "secrets", "deployments", "serviceaccounts"],
      },
      conflictPolicy: "Abort",
      pruneSafety: { delay: "0s", ...PRUNE },
    };
    this.model = {
      controllerUsers: CONTROLLER_USERS,
      cliUsers: [CLI_USER],
      controllerNamespace: NS,
      ownerValues: [`${NS}.${REPLICATION}`],
      adopt: this.adopt,
      destinations: this.destinations,
      promoteGraceMs: 1000,
      prune: { ...PRUNE, releases: this.releases },
    };
  }

  dest(ns: string): string | undefined {
    if (ns === "shop") return this.shopDest;
    return this.web === "web-dr" ? "web-dr" : undefined;
  }

  pairs(): Pair[] {
    const out: Pair[] = [{ source: "shop", destination: this.shopDest }];
    if (this.web === "web-dr") {
      out.push({ source: "web", destination: "web-dr" });
    }
    if (this.web === "select-all") {
      for (const s of ["shop", "web", "default"]) {
        out.push({ source: s, destination: `${s}-all` });
      }
    }
    return out;
  }

  /** e.apply, again on 409 (the controller writes status meanwhile). */
  async apply(
    kind: string,
    name: string,
    spec: unknown,
    annotations?: Record<string, string>,
  ): Promise<void> {
    for (let i = 0;; i++) {
      try {
        return await this.e.apply(kind, name, spec, annotations);
      } catch (err) {
        if (i >= 4 || !String(err).includes("409")) throw err;
      }
    }
  }

  async applyReplication(): Promise<void> {
    await this.apply(
      "NamespaceReplication",
      REPLICATION,
      this.spec,
      this.annotations,
    );
  }

  async applyWeb(): Promise<void> {
    const spec = {
      "web-dr": { sourceNamespace: "web", destinationNamespace: "web-dr" },
      "kube-system": {
        sourceNamespace: "web",
        destinationNamespace: "kube-system",
      },
      "controller-ns": { sourceNamespace: NS, destinationNamespace: "ctl-dr" },
      "select-all": {
        namespaceSelector: {},
        destinationNameTemplate: "{name}-all",
      },
    }[this.web];
    await this.apply("NamespaceMapping", "web", spec);
  }

  async setup(): Promise<void> {
    const { e } = this;
    this.recorder.watch("source", this.sim.source);
    this.recorder.watch("dr", this.sim.dr);
    for (const ns of ["shop", "web"]) {
      await e.src.create(e.type("namespaces"), {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: ns },
      });
    }
    const initial: [string, Kind, string][] = [
      ["shop", "cm", "a"],
      ["shop", "cm", "b"],
      ["shop", "secret", "a"],
      ["shop", "deploy", "a"],
      ["web", "cm", "a"],
      ["web", "cm", "c"],
    ];
    for (const [ns, kind, name] of initial) {
      await this.put(ns, kind, name, 1, "a");
    }
    // Enough copies that small deletes stay under the mass-deletion guard:
    // only the hourly budget then limits how many go.
    for (const ns of ["shop", "web"]) {
      for (let i = 0; i < 8; i++) await this.put(ns, "cm", `bulk-${i}`, 1, "a");
    }
    await e.apply("RemoteCluster", "dr", {
      kubeconfigSecretRef: { name: "dr-kubeconfig" },
      probeInterval: "60s",
    });
    await e.apply("NamespaceMapping", "shop", {
      sourceNamespace: "shop",
      destinationNamespace: "shop-dr",
    });
    await this.applyWeb();
    await this.applyReplication();
    this.start();
    // A first pass done (partial is a verdict for the checks, not a failure).
    await until(
      "first pass",
      async () => !!(await statusOf(e, REPLICATION)).lastSyncTime,
      20_000,
    );
  }

  start(): void {
    this.e.start();
    this.running = true;
  }

  async put(ns: string, kind: Kind, name: string, v: number, tier: string) {
    const type = this.types[kind];
    const body = sourceObject(kind, name, v, tier) as KubeObject;
    body.metadata.namespace = ns;
    const live = await this.e.src.get(type, ns, body.metadata.name);
    if (!live) return void await this.e.src.create(type, body);
    await this.e.src.replace(type, {
      ...live,
      ...body,
      metadata: { ...live.metadata, labels: body.metadata.labels },
    });
  }

  async del(ns: string, kind: Kind, name: string): Promise<void> {
    await this.e.src.remove(this.types[kind], ns, name);
  }

  async step(op: Op): Promise<void> {
    const { e } = this;
    switch (op.op) {
      case "put":
        return await this.put(op.ns, op.kind, op.name, op.v, op.tier);
      case "del":
        return await this.del(op.ns, op.kind, op.name);
      case "putMany":
        for (let i = 0; i < op.n; i++) {
          await this.put(op.ns, "cm", `bulk-${i}`, op.v, "a");
        }
        return;
      case "delMany": {
        const all = (await e.src.list(this.types.cm, op.ns))
          .map((o) => o.metadata.name)
          .filter((n) => n !== "kube-root-ca.crt").sort();
        for (const n of all.slice(0, op.n)) await this.del(op.ns, "cm", n);
        return;
      }
      case "drift": {
        const dest = this.dest(op.ns);
        const live = dest && await e.drApi.get(this.types.cm, dest, op.name);
        if (live) {
          await e.drApi.replace(this.types.cm, {
            ...live,
            data: { v: "drift" },
          });
        }
        return;
      }
      case "foreign": {
        const dest = this.dest(op.ns);
        if (!dest || !await e.drApi.getNamespace(dest)) return;
        const body = sourceObject(op.kind, op.name, 7, "foreign") as KubeObject;
        body.metadata.namespace = dest;
        if (await e.drApi.get(this.types[op.kind], dest, body.metadata.name)) {
          return;
        }
        await e.drApi.create(this.types[op.kind], body);
        return;
      }
      case "promote": {
        const dest = this.dest(op.ns);
        if (dest) {
          await promoteNamespace(this.cli, dest, {
            dryRun: false,
            now: new Date(),
          });
        }
        return;
      }
      case "demote": {
        const dest = this.dest(op.ns);
        if (dest) {
          await demoteNamespace(this.cli, dest, {
            dryRun: false,
            discardDrChanges: true,
          });
        }
        return;
      }
      case "policy": {
        const open = this.adopt.find((i) => i.to === undefined);
        if (op.adopt && !open) this.adopt.push({ from: Date.now() });
        this.spec = {
          ...this.spec,
          conflictPolicy: op.adopt ? "Adopt" : "Abort",
        };
        await this.applyReplication();
        // A pass already running may still adopt for a while.
        if (!op.adopt && open) open.to = Date.now() + 3000;
        return;
      }
      case "selector":
        this.spec = {
          ...this.spec,
          selector: op.tier ? { matchLabels: { tier: op.tier } } : undefined,
        };
        return await this.applyReplication();
      case "shopDest":
        this.shopDest = op.dest;
        this.destinations.add(op.dest);
        return await this.apply("NamespaceMapping", "shop", {
          sourceNamespace: "shop",
          destinationNamespace: op.dest,
        });
      case "webMapping":
        this.web = op.to;
        if (op.to === "web-dr") this.destinations.add("web-dr");
        if (op.to === "select-all") {
          for (const s of ["shop", "web", "default"]) {
            this.destinations.add(`${s}-all`);
          }
        }
        return await this.applyWeb();
      case "restart":
        await e.stopController();
        this.start();
        return;
      case "drOutage": {
        const restore = await this.sim.dr.faults.outage();
        this.restoreDr = restore;
        await sleep(op.ms);
        this.restoreDr = undefined;
        return await restore();
      }
      case "watchCut":
        return this.sim[op.cluster].faults.cutWatches({ abrupt: op.abrupt });
      case "gone":
        this.sim[op.cluster].faults.forceGoneOnNextWatch(2);
        return this.sim[op.cluster].faults.cutWatches();
      case "slowDr":
        return this.slowDr(op.ms);
      case "promoteMidPass": {
        await e.stopController();
        for (let i = 0; i < op.n; i++) {
          await this.put(op.ns, "cm", `bulk-${i}`, op.v, "a");
        }
        await this.put(op.ns, "deploy", "a", op.v, "a");
        this.slowDr(op.latency);
        // The promote's mark lands a few DR round trips after it starts.
        const promoting = this.step({ op: "promote", ns: op.ns });
        await sleep(op.afterMs);
        this.start();
        // The pass's later ranks land within a few round trips of the
        // mark; the rest of the promote (its snapshot) need not crawl.
        const marked = () =>
          this.recorder.changes.some((c) =>
            c.cluster === "dr" && c.kind === "Namespace" &&
            !!c.after?.metadata.annotations?.[ANNOTATION_PROMOTED]
          );
        const deadline = Date.now() + 12 * op.latency;
        while (!marked() && Date.now() < deadline) await sleep(100);
        await sleep(4 * op.latency);
        this.sim.dr.faults.latency(0);
        return await promoting;
      }
      case "allowPrune":
        this.releases.push(Date.now());
        this.annotations = {
          [ANNOTATION_ALLOW_MASS_PRUNE]: `token-${++this.tokens}`,
        };
        return await this.applyReplication();
      case "wait":
        return await sleep(op.ms);
    }
  }

  slowDr(ms: number): void {
    this.maxLatency = Math.max(this.maxLatency, ms);
    this.model.promoteGraceMs = 1000 + 4 * this.maxLatency;
    this.sim.dr.faults.latency(ms);
  }

  async convergence(): Promise<Violation[]> {
    const { e } = this;
    const types = Object.values(this.types);
    const pairs = this.pairs();
    const sourceNamespaces = new Map(
      (await e.src.list(e.type("namespaces"), "")).map((n) => [
        n.metadata.name,
        n,
      ]),
    );
    const listAll = async (api: ApiCluster, ns: string) =>
      (await Promise.all(types.map((t) => api.list(t, ns)))).flat();
    const source = new Map<string, KubeObject[]>();
    const dr = new Map<string, KubeObject[]>();
    const promoted = new Set<string>();
    for (const p of pairs) {
      if (sourceNamespaces.has(p.source)) {
        source.set(p.source, await listAll(e.src, p.source));
      }
      const ns = await e.drApi.getNamespace(p.destination);
      if (ns?.metadata.annotations?.[ANNOTATION_PROMOTED]) {
        promoted.add(p.destination);
      }
      dr.set(p.destination, ns ? await listAll(e.drApi, p.destination) : []);
    }
    const status = await statusOf(e, REPLICATION);
    return checkConverged({
      replication: { namespace: NS, name: REPLICATION },
      spec: this.spec,
      types,
      sourceCluster: sourceNamespaces.get("kube-system")?.metadata.uid,
      pairs,
      sourceNamespaces,
      source,
      dr,
      promoted,
      pruneBlocked: conditionOf(status, "PruneBlocked")?.status === "True",
    });
  }

  async settle(settleMs: number): Promise<Violation[]> {
    this.sim.dr.faults.clear();
    this.sim.source.faults.clear();
    const deadline = Date.now() + settleMs;
    let last: Violation[] = [];
    while (Date.now() < deadline) {
      last = await this.convergence();
      if (last.length === 0) return [];
      await sleep(300);
    }
    return last;
  }
}

/** Runs `ops`; stops at the first step after which an invariant is broken. */
export async function runSequence(
  ops: readonly Op[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const log = opts.log ?? (() => {});
  let result: RunResult = { violations: [], changes: 0 };
  try {
    await withController(async (e) => {
      const token = simOf(e).dr.createToken({
        name: CLI_USER,
        rules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
      });
      const client = new ClusterClient(
        (kc) => kc.loadFromString(simOf(e).dr.kubeconfigFor(token, CLI_USER)),
        { name: "cli" },
      );
      const run = new Run(e, new ApiCluster(client));
      try {
        await run.setup();
        await sleep(opts.stepPauseMs ?? 300);
        for (let i = 0; i < ops.length; i++) {
          log(`  step ${i + 1}: ${describeOp(ops[i])}`);
          await run.step(ops[i]).catch((err) => {
            // A refused request is an outcome, not a harness failure.
            log(`    (${(err as Error).message?.split("\n")[0]})`);
          });
          await sleep(opts.stepPauseMs ?? 300);
          const v = checkSafety(run.recorder.changes, run.model);
          if (v.length > 0) {
            result = {
              violations: v,
              at: i,
              changes: run.recorder.changes.length,
            };
            return;
          }
        }
        if (run.restoreDr) await run.restoreDr();
        const converged = await run.settle(opts.settleMs ?? 90_000);
        const by = new Map<string, number>();
        for (const c of run.recorder.changes) {
          const k = `${c.cluster} ${c.user || "-"}`;
          by.set(k, (by.get(k) ?? 0) + 1);
        }
        log(`  changes: ${JSON.stringify(Object.fromEntries(by))}`);
        const safety = checkSafety(run.recorder.changes, run.model);
        result = {
          violations: [...safety, ...converged],
          at: ops.length,
          changes: run.recorder.changes.length,
        };
      } finally {
        run.recorder.stop();
        await client.close();
      }
    }, { rbac: true });
  } catch (err) {
    result = { ...result, error: (err as Error).stack ?? String(err) };
  }
  return result;
}
