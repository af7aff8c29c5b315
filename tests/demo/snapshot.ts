/**
 * One frame of the demo's view, read live: the sample kinds in both
 * namespaces, the replication's status, and the RPO gauge from /metrics.
 */
import type { Api, Obj } from "./api.ts";
import { rpoFrom } from "./process.ts";
import { DR_NS, REPLICATION, REPLICATION_PATH, SOURCE_NS } from "./sample.ts";
import { describe, type Row, type Snapshot } from "./view.ts";

const KINDS: [string, string][] = [
  ["apis/apps/v1", "deployments"],
  ["api/v1", "services"],
  ["apis/networking.k8s.io/v1", "ingresses"],
  ["api/v1", "configmaps"],
  ["api/v1", "secrets"],
  ["api/v1", "persistentvolumeclaims"],
];

async function rows(api: Api, ns: string): Promise<Row[]> {
  const lists = await Promise.all(
    KINDS.map(([prefix, plural]) =>
      api.list(`/${prefix}/namespaces/${ns}/${plural}`)
    ),
  );
  return lists.flat().filter((o) =>
    o.metadata?.name !== "kube-root-ca.crt" &&
    o.type !== "kubernetes.io/service-account-token"
  ).map(describe);
}

const PROBLEMS = new Set([
  "PruneBlocked",
  "DestinationPromoted",
  "SourceNamespaceMissing",
]);

/** The phase, and why when it is not plain Synced (Ready's reason first). */
function phaseText(st: Obj): string {
  const conditions = (st.conditions ?? []) as Obj[];
  const ready = conditions.find((c) => c.type === "Ready");
  const why = conditions.filter((c) =>
    c.type === "Synced"
      ? c.status !== "True"
      : PROBLEMS.has(c.type) && c.status === "True"
  ).map((c) => c.reason);
  if (ready && ready.status !== "True") why.unshift(`Ready: ${ready.reason}`);
  return `${st.phase ?? "Pending"}${why.length ? ` (${why.join(", ")})` : ""}`;
}

/** Reads both clusters, the replication status and the RPO gauge. */
export async function takeSnapshot(
  src: Api,
  drApi: Api,
  metricsUrl: string | undefined,
  title: string,
): Promise<Snapshot> {
  const [source, dr, nr, page, ns] = await Promise.all([
    rows(src, SOURCE_NS),
    rows(drApi, DR_NS),
    src.get(REPLICATION_PATH),
    metricsUrl
      ? fetch(metricsUrl).then((r) => r.text()).catch(() => "")
      : Promise.resolve(""),
    drApi.get(`/api/v1/namespaces/${DR_NS}`),
  ]);
  const st: Obj = nr?.status ?? {};
  const c: Obj = st.counts ?? {};
  return {
    title,
    sourceNs: SOURCE_NS,
    drNs: DR_NS,
    source,
    dr,
    phase: phaseText(st),
    lastSync: st.lastSyncTime ?? "-",
    counts: `desired ${c.desired ?? 0}, in sync ${c.inSync ?? 0}, created ${
      c.created ?? 0
    }, updated ${c.updated ?? 0}, skipped ${c.skipped ?? 0}, failed ${
      c.failed ?? 0
    }`,
    rpoSeconds: rpoFrom(page, REPLICATION),
    promoted: ns?.metadata?.annotations?.["drsyncer.io/promoted"],
  };
}
