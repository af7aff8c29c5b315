/**
 * `--dry-run` of cutover and failback: the command's very steps run against
 * clusters whose writes land in memory instead of the API server. Reads see
 * the real cluster with those writes laid over it, so a later step plans on
 * what an earlier one would have written (promote starts the copies the
 * final sync would create). Each write is kept in a journal, tagged with its
 * step: the journal is the plan, and it is what the real run sends.
 *
 * A namespace created in a rehearsal gets what a cluster gives every new
 * namespace (the `default` ServiceAccount, `kube-root-ca.crt`), so the
 * steps after it plan as they will against the real one.
 *
 * What a rehearsal cannot foresee: the API server refusing a write
 * (validation, admission, RBAC), and changes others make in between.
 */
import { ApiException } from "@kubernetes/client-node/dist/gen/apis/exception.js";
import { semanticEqual } from "../sync/compare.ts";
import type { ApiResource, KubeObject } from "../sync/types.ts";
import { ApiCluster } from "../engine/api-ports.ts";
import type { DeletePrecondition } from "../engine/ports.ts";
import type { OpenCluster } from "./clusters.ts";
import type { WorkflowIo } from "./io.ts";
import { formatTable } from "./report.ts";
import { describeShape } from "./workloads.ts";

/** One write the command would send. */
export interface PlannedWrite {
  step: string;
  /** "source" or "DR". */
  cluster: string;
  action: "create" | "update" | "delete";
  type: ApiResource;
  namespace: string | undefined;
  name: string;
  /** A few words on what changes (replicas 3 → 0), when known. */
  change: string;
}

/** The writes of one rehearsal, in order, and the step being run. */
export class Journal {
  readonly writes: PlannedWrite[] = [];
  step = "";
}

const keyOf = (
  type: ApiResource,
  namespace: string | undefined,
  name: string,
) => `${type.group}/${type.resource}/${namespace ?? ""}/${name}`;

const PROMOTED = "drsyncer.io/promoted";
const HTTP_CONFLICT = 409;
const WORKLOAD_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "CronJob",
  "Job",
]);

/** "replicas 3 → 0" for "replicas 3" → "replicas 0". */
function shortChange(from: string, to: string): string {
  const [a, b] = [from.split(" "), to.split(" ")];
  if (a.length === 2 && b.length === 2 && a[0] === b[0]) {
    return `${a[0]} ${a[1]} → ${b[1]}`;
  }
  return `${from} → ${to}`;
}

/** What an update changes, in a few words (workload shape, promoted mark). */
function describeChange(before: KubeObject | undefined, after: KubeObject) {
  if (!before) return "";
  if (WORKLOAD_KINDS.has(after.kind)) {
    const [from, to] = [describeShape(before), describeShape(after)];
    if (from !== to) return shortChange(from, to);
  }
  const [was, now] = [before, after].map((o) =>
    o.metadata.annotations?.[PROMOTED]
  );
  if (was !== now) {
    return now === undefined ? `remove ${PROMOTED}` : `${PROMOTED}=${now}`;
  }
  return semanticEqual(before.spec, after.spec) ? "metadata" : "spec";
}

const core = (resource: string, kind: string): ApiResource => ({
  group: "",
  version: "v1",
  resource,
  kind,
  namespaced: true,
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
});

/** What the cluster itself puts into every new namespace. */
function clusterMadeObjects(namespace: string) {
  const made = (type: ApiResource, name: string) => ({
    type,
    object: {
      apiVersion: "v1",
      kind: type.kind,
      metadata: { name, namespace },
    } as KubeObject,
  });
  return [
    made(core("serviceaccounts", "ServiceAccount"), "default"),
    made(core("configmaps", "ConfigMap"), "kube-root-ca.crt"),
  ];
}

/**
 * An ApiCluster whose writes go to memory (see the module comment). The
 * client is used for reads only.
 */
export class RehearsalCluster extends ApiCluster {
  /** Written objects by key; undefined marks a deletion. */
  readonly #overlay = new Map<string, KubeObject | undefined>();
  #serial = 0;

  constructor(
    cluster: OpenCluster,
    private readonly journal: Journal,
  ) {
    super(cluster.client);
    this.role = cluster.role;
  }

  readonly role: string;

  override async get(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined> {
    const key = keyOf(type, namespace, name);
    if (this.#overlay.has(key)) {
      return structuredClone(this.#overlay.get(key));
    }
    return await super.get(type, namespace, name);
  }

  override async list(
    type: ApiResource,
    namespace: string,
  ): Promise<KubeObject[]> {
    const prefix = keyOf(type, namespace, "");
    const real = await super.list(type, namespace);
    const seen = new Set<string>();
    const out: KubeObject[] = [];
    for (const o of real) {
      const key = prefix + o.metadata.name;
      seen.add(key);
      if (!this.#overlay.has(key)) out.push(o);
      else if (this.#overlay.get(key)) {
        out.push(structuredClone(this.#overlay.get(key)!));
      }
    }
    for (const [key, o] of this.#overlay) {
      if (key.startsWith(prefix) && !seen.has(key) && o) {
        out.push(structuredClone(o));
      }
    }
    return out;
  }

  #record(
    action: PlannedWrite["action"],
    type: ApiResource,
    namespace: string | undefined,
    name: string,
    change: string,
  ): void {
    this.journal.writes.push({
      step: this.journal.step,
      cluster: this.role,
      action,
      type,
      namespace,
      name,
      change,
    });
  }

  #stored(type: ApiResource, object: KubeObject): KubeObject {
    const meta = object.metadata;
    const namespace = type.namespaced ? meta.namespace : undefined;
    const stored: KubeObject = structuredClone({
      ...object,
      metadata: {
        ...meta,
        resourceVersion: `rehearsal-${++this.#serial}`,
        uid: meta.uid ?? `rehearsal-${this.#serial}`,
      },
    });
    this.#overlay.set(keyOf(type, namespace, meta.name), stored);
    return stored;
  }

  override async create(
    type: ApiResource,
    object: KubeObject,
  ): Promise<KubeObject> {
    const meta = object.metadata;
    const namespace = type.namespaced ? meta.namespace : undefined;
    if (await this.get(type, namespace, meta.name)) {
      // As the API server answers: the caller adopts or reports it.
      throw new ApiException(
        HTTP_CONFLICT,
        "AlreadyExists",
        JSON.stringify({
          kind: "Status",
          reason: "AlreadyExists",
          message: `${type.resource} "${meta.name}" already exists`,
        }),
        {},
      );
    }
    this.#record("create", type, namespace, meta.name, "");
    const stored = this.#stored(type, object);
    if (type.group === "" && type.resource === "namespaces") {
      for (const made of clusterMadeObjects(meta.name)) {
        this.#stored(made.type, made.object);
      }
    }
    return stored;
  }

  override async replace(
    type: ApiResource,
    object: KubeObject,
  ): Promise<KubeObject> {
    const meta = object.metadata;
    const namespace = type.namespaced ? meta.namespace : undefined;
    const before = await this.get(type, namespace, meta.name);
    this.#record(
      "update",
      type,
      namespace,
      meta.name,
      describeChange(before, object),
    );
    return this.#stored(type, object);
  }

  override remove(
    type: ApiResource,
    namespace: string | undefined,
    name: string,
    _precondition?: DeletePrecondition,
  ): Promise<void> {
    this.#record("delete", type, namespace, name, "");
    this.#overlay.set(keyOf(type, namespace, name), undefined);
    return Promise.resolve();
  }
}

/** The opened clusters with their writes diverted into `journal`. */
export function rehearsalClusters(
  clusters: OpenCluster[],
  journal: Journal,
): OpenCluster[] {
  return clusters.map((c) => ({ ...c, api: new RehearsalCluster(c, journal) }));
}

/**
 * The io the steps of a rehearsal print to: their tables would show
 * rehearsed writes as done, so stdout is dropped; notes, warnings and
 * progress (stderr) pass through.
 */
export function rehearsalIo(io: WorkflowIo): WorkflowIo {
  return { ...io, out: () => {} };
}

/** The plan table: one row per write, in the order it would be sent. */
export function planTable(writes: readonly PlannedWrite[]): string {
  return formatTable(
    ["STEP", "CLUSTER", "ACTION", "KIND", "NAMESPACE", "NAME", "CHANGE"],
    writes.map((w) => [
      w.step,
      w.cluster,
      w.action,
      w.type.kind,
      w.namespace ?? "-",
      w.name,
      w.change,
    ]),
  );
}

/** Prints the plan of a rehearsal and its closing line. */
export function printPlan(
  io: WorkflowIo,
  command: string,
  steps: readonly string[],
  journal: Journal,
): void {
  const { writes } = journal;
  io.out(`${command} plan (dry run: nothing written):`);
  for (const step of steps) {
    const n = writes.filter((w) => w.step === step).length;
    io.out(`  ${step}: ${n === 0 ? "nothing to write" : `${n} write(s)`}`);
  }
  if (writes.length > 0) io.out(planTable(writes));
  io.out(
    `${writes.length} write(s) planned; re-run without --dry-run to apply`,
  );
}
