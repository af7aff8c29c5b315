/**
 * One simulated cluster: assembles store, registry, engine, watches, auth
 * and faults, serves them over HTTPS on 127.0.0.1, writes its kubeconfig,
 * and can go down and come back on the same port with its data (outage).
 */
import {
  type Authorizer,
  type PolicyRule,
  ruleAuthorizer,
  Tokens,
} from "./auth.ts";
import { rbacAuthorizer, serviceAccountUser } from "./rbac.ts";
import { Counters, RequestLog } from "./counters.ts";
import { installWorkloadStatus } from "./controllers.ts";
import { installLifecycle } from "./crds.ts";
import { Deleter } from "./deletion.ts";
import { Engine } from "./engine.ts";
import { type FaultCode, type FaultFilter, Faults } from "./faults.ts";
import { Registry } from "./registry.ts";
import { DenoServeListener, HttpsListener, type Listener } from "./http.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import { installTokenController } from "./satokens.ts";
import { makeHandler } from "./server.ts";
import { Store } from "./store.ts";
import { WatchHub } from "./watch.ts";

const CERT_DIR = new URL("./certs/", import.meta.url);
const CA_PEM = Deno.readTextFileSync(new URL("ca.crt", CERT_DIR));
const SERVER_CERT = Deno.readTextFileSync(new URL("server.crt", CERT_DIR));
const SERVER_KEY = Deno.readTextFileSync(new URL("server.key", CERT_DIR));
const SYSTEM_NAMESPACES = [
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
];

/** Tunables of one cluster. */
export interface ClusterOptions {
  /** Watch history kept for replay (events); older RVs get 410. */
  historySize?: number;
  /** Interval of BOOKMARK events for watches that allow them. */
  bookmarkIntervalMs?: number;
  /** Delay before a Terminating namespace's contents are deleted. */
  namespacePurgeDelayMs?: number;
  /**
   * Serve with Deno.serve (h2 + HTTP/1.1) instead of node:https (HTTP/1.1).
   * client-node 2.x crashes Deno on the GOAWAY of a stopping h2 server
   * unless h2 is stripped from its ALPN; see README.
   */
  http2?: boolean;
  /** Write ready workload status after Deployment/StatefulSet/ReplicaSet changes. */
  workloadStatus?: boolean;
  /** Decides requests of non-admin tokens; default: the token's own rules. */
  authorizer?: Authorizer;
}

/** Fault controls of one cluster (see README). */
export interface ClusterFaults {
  /** Every request waits `ms` before it is handled (0 turns it off). */
  latency(ms: number): void;
  /** Every watch event is delivered `ms` late (0 turns it off). */
  watchLatency(ms: number): void;
  /** The next `n` matching resource requests fail with `status` (429/503 carry Retry-After). */
  failNext(
    n: number,
    status?: FaultCode,
    retryAfterSeconds?: number,
    filter?: FaultFilter,
  ): void;
  /** Ends every open watch: cleanly, or as a broken connection with `abrupt`. */
  cutWatches(opts?: { abrupt?: boolean }): void;
  /** The next `n` watches get a 410 Expired ERROR event and close. */
  forceGoneOnNextWatch(n?: number): void;
  /** Open and new watches send nothing, ever; the returned function ends it for new watches. */
  stallWatches(): () => void;
  /** Keeps only the newest `n` history events (older resourceVersions get 410). */
  shrinkHistory(n: number): void;
  /** Sends a BOOKMARK to every watch that allowed bookmarks. */
  bookmarkNow(): void;
  /** Stops serving (connections break, new ones are refused); data is kept. */
  down(): Promise<void>;
  /** Serves again on the same port. */
  up(): Promise<void>;
  /** `down()` now; the returned function is `up()`. */
  outage(): Promise<() => Promise<void>>;
  /** Removes latency and pending failures. */
  clear(): void;
}

function anyOf(...authorizers: Authorizer[]): Authorizer {
  return (user, a) => authorizers.some((f) => f(user, a));
}

/** A running simulated cluster. */
export class SimCluster {
  /** Objects, resourceVersions and history (white-box assertions). */
  readonly store: Store;
  /** Served types, CRD types included. */
  readonly registry = new Registry();
  /** Write semantics (create/update/patch) used by the HTTP handlers. */
  readonly engine: Engine;
  /** Deletion, garbage collection and background tasks. */
  readonly deleter: Deleter;
  /** Open watch streams. */
  readonly hub: WatchHub;
  /** Bearer tokens of this cluster. */
  readonly tokens = new Tokens();
  /** Requests per verb and resource. */
  readonly counters = new Counters();
  /** The most recent requests (method, path+query, status). */
  readonly requests = new RequestLog();
  /** Fault injection. */
  readonly faults: ClusterFaults;
  /** PEM of the CA that signed the server certificate. */
  readonly caPem = CA_PEM;
  /** Where startSim wrote this cluster's admin kubeconfig. */
  kubeconfigPath = "";
  #server?: Listener;
  #port = 0;
  #requestFaults = new Faults();
  #handler: (req: Request) => Promise<Response>;

  constructor(readonly name: string, readonly opts: ClusterOptions = {}) {
    this.store = new Store(opts.historySize);
    this.engine = new Engine(this.store, this.registry);
    this.deleter = new Deleter(this.engine, opts.namespacePurgeDelayMs);
    this.hub = new WatchHub(this.store, opts.bookmarkIntervalMs);
    installLifecycle(this.engine, this.hub, CA_PEM);
    installTokenController(this.engine, this.deleter, this.tokens, CA_PEM);
    if (opts.workloadStatus) {
      installWorkloadStatus(this.engine, (fn) => this.deleter.later(fn));
    }
    this.#seed();
    this.#handler = makeHandler({
      engine: this.engine,
      deleter: this.deleter,
      hub: this.hub,
      registry: this.registry,
      tokens: this.tokens,
      authorize: opts.authorizer ??
        anyOf(ruleAuthorizer, rbacAuthorizer(this.store)),
      counters: this.counters,
      requests: this.requests,
      faults: this.#requestFaults,
      address: () => `127.0.0.1:${this.#port}`,
    });
    this.faults = this.#faultControls();
  }

  /** https://127.0.0.1:<port> */
  get url(): string {
    return `https://127.0.0.1:${this.#port}`;
  }

  /** Bearer token with every right. */
  get adminToken(): string {
    return this.tokens.adminToken;
  }

  /** A kubeconfig for the admin (or the given token). */
  kubeconfigFor(token = this.adminToken, user = `${this.name}-admin`): string {
    return kubeconfigYaml({
      cluster: this.name,
      server: this.url,
      caPem: CA_PEM,
      user,
      token,
    });
  }

  /** The admin kubeconfig. */
  get kubeconfig(): string {
    return this.kubeconfigFor();
  }

  /** A token limited to `rules`, for 403 tests. */
  createToken(
    opts: { name: string; rules?: PolicyRule[]; groups?: string[] },
  ): string {
    if (!opts.groups) return this.tokens.create(opts.name, opts.rules ?? []);
    return this.tokens.createFor({
      name: opts.name,
      groups: ["system:authenticated", ...opts.groups],
      rules: opts.rules,
    });
  }

  /** A token of ServiceAccount `namespace/name`; its rights come from RBAC objects. */
  createServiceAccountToken(namespace: string, name: string): string {
    return this.tokens.createFor(serviceAccountUser(namespace, name));
  }

  /** Starts serving (on the previous port after an outage). */
  async start(): Promise<void> {
    const server = this.opts.http2
      ? new DenoServeListener(SERVER_CERT, SERVER_KEY, this.#handler)
      : new HttpsListener(SERVER_CERT, SERVER_KEY, this.#handler);
    this.#port = await server.listen(this.#port);
    this.#server = server;
  }

  /** Stops serving; data is kept. */
  async down(): Promise<void> {
    // An outage breaks connections; it does not end watches politely.
    this.hub.closeAll(true);
    const s = this.#server;
    this.#server = undefined;
    await s?.close();
  }

  /** Stops for good: watches closed first so shutdown cannot hang. */
  async stop(): Promise<void> {
    this.hub.stop();
    this.deleter.close();
    await this.down();
  }

  #seed(): void {
    const ns = this.registry.find("", "v1", "namespaces")!;
    for (const n of SYSTEM_NAMESPACES) {
      this.engine.create(ns, "", { metadata: { name: n } });
    }
    const svc = this.registry.find("", "v1", "services")!;
    this.engine.create(svc, "default", {
      metadata: {
        name: "kubernetes",
        labels: { component: "apiserver", provider: "kubernetes" },
      },
      spec: {
        clusterIP: "10.96.0.1",
        ports: [{ name: "https", port: 443, targetPort: 6443 }],
      },
    });
    const clusterRole = this.registry.find(
      "rbac.authorization.k8s.io",
      "v1",
      "clusterroles",
    )!;
    this.engine.create(clusterRole, "", {
      metadata: { name: "cluster-admin" },
      rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, {
        nonResourceURLs: ["*"],
        verbs: ["*"],
      }],
    });
  }

  #faultControls(): ClusterFaults {
    const f = this.#requestFaults;
    return {
      latency: (ms) => f.latency(ms),
      watchLatency: (ms) => this.hub.delay(ms),
      failNext: (n, status = 500, retry, filter) =>
        f.failNext(n, status, retry, filter),
      cutWatches: (opts) => this.hub.closeAll(opts?.abrupt),
      forceGoneOnNextWatch: (n = 1) => this.hub.forceGone(n),
      stallWatches: () => this.hub.stall(),
      shrinkHistory: (n) => this.store.resizeHistory(n),
      bookmarkNow: () => this.hub.bookmark(),
      down: () => this.down(),
      up: () => this.start(),
      outage: async () => {
        await this.down();
        return () => this.start();
      },
      clear: () => {
        f.clear();
        this.hub.delay(0);
      },
    };
  }
}
