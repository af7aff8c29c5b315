import "../../../lib/preload.ts";
import { assert, assertEquals } from "../../assert.ts";
import {
  type CopyContext,
  copyDecision,
  groupKindsOf,
  isIgnored,
  REASONS_KEEPING_EXISTING_COPY,
  type SkipReason,
} from "../../../lib/sync/filter.ts";
import type { KubeMeta, KubeObject } from "../../../lib/sync/types.ts";

function anObject(
  apiVersion: string,
  kind: string,
  meta: Partial<KubeMeta> = {},
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name: "x", namespace: "shop", ...meta },
    ...extra,
  };
}
const aConfigMap = (meta: Partial<KubeMeta> = {}) =>
  anObject("v1", "ConfigMap", meta);
const aSecret = (type: string, meta: Partial<KubeMeta> = {}) =>
  anObject("v1", "Secret", meta, { type });
const aJob = (meta: Partial<KubeMeta> = {}) =>
  anObject("batch/v1", "Job", meta);
const aNamespace = (labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "shop", labels },
});
const ownedBy = (apiVersion: string, kind: string) => ({
  ownerReferences: [{
    apiVersion,
    kind,
    name: "owner",
    uid: "u1",
    controller: true,
  }],
});

const copied = groupKindsOf([
  { group: "", kind: "ConfigMap" },
  { group: "", kind: "Secret" },
  { group: "batch", kind: "Job" },
  { group: "batch", kind: "CronJob" },
  { group: "apps", kind: "Deployment" },
  { group: "example.com", kind: "Widget" },
]);
const ctx = (over: Partial<CopyContext> = {}): CopyContext => ({
  namespace: aNamespace(),
  copiedGroupKinds: copied,
  ownerValue: "dr-syncer-system.shop-to-east",
  ...over,
});

const cases: {
  name: string;
  obj: KubeObject;
  ctx?: Partial<CopyContext>;
  want?: SkipReason;
}[] = [
  { name: "a plain ConfigMap is copied", obj: aConfigMap() },
  {
    name: "no namespace context is fine",
    obj: aConfigMap(),
    ctx: { namespace: undefined },
  },
  {
    name: "ignore label on the object",
    obj: aConfigMap({ labels: { "drsyncer.io/ignore": "true" } }),
    want: "IgnoredObject",
  },
  {
    name: "ignore annotation on the object",
    obj: aConfigMap({ annotations: { "drsyncer.io/ignore": "true" } }),
    want: "IgnoredObject",
  },
  {
    name: "original dr-syncer's ignore label is an alias",
    obj: aConfigMap({ labels: { "dr-syncer.io/ignore": "true" } }),
    want: "IgnoredObject",
  },
  {
    name: "original dr-syncer's ignore annotation is an alias",
    obj: aConfigMap({ annotations: { "dr-syncer.io/ignore": "true" } }),
    want: "IgnoredObject",
  },
  {
    name: "alias ignore 'false' copies",
    obj: aConfigMap({ labels: { "dr-syncer.io/ignore": "false" } }),
  },
  {
    name: "alias ignore label on the namespace",
    obj: aConfigMap(),
    ctx: { namespace: aNamespace({ "dr-syncer.io/ignore": "true" }) },
    want: "IgnoredNamespace",
  },
  {
    name: "a look-alike key is not an alias",
    obj: aConfigMap({ labels: { "drsyncer.io/ignored": "true" } }),
  },
  {
    name: "ignore 'false' copies",
    obj: aConfigMap({ labels: { "drsyncer.io/ignore": "false" } }),
  },
  {
    name: "ignore value is exact: 'True' copies",
    obj: aConfigMap({ labels: { "drsyncer.io/ignore": "True" } }),
  },
  {
    name: "ignore label on the namespace",
    obj: aConfigMap(),
    ctx: { namespace: aNamespace({ "drsyncer.io/ignore": "true" }) },
    want: "IgnoredNamespace",
  },
  {
    name: "namespace ignore wins over every other reason",
    obj: aSecret("kubernetes.io/service-account-token", {
      labels: { "drsyncer.io/ignore": "true" },
    }),
    ctx: { namespace: aNamespace({ "drsyncer.io/ignore": "true" }) },
    want: "IgnoredNamespace",
  },
  {
    name: "service-account-token Secret",
    obj: aSecret("kubernetes.io/service-account-token"),
    want: "ServiceAccountToken",
  },
  { name: "Opaque Secret is copied", obj: aSecret("Opaque") },
  {
    name: "a data-replication key Secret we made is never copied",
    obj: aSecret("Opaque", {
      labels: { "drsyncer.io/data-replication-key": "true" },
    }),
    want: "DataReplicationKey",
  },
  {
    name: "dockerconfigjson Secret is copied",
    obj: aSecret("kubernetes.io/dockerconfigjson"),
  },
  {
    name: "a CRD kind called Secret is not a core Secret",
    obj: anObject("example.com/v1", "Secret", {}, {
      type: "kubernetes.io/service-account-token",
    }),
  },
  {
    name: "kube-root-ca.crt",
    obj: aConfigMap({ name: "kube-root-ca.crt" }),
    want: "RootCACertificate",
  },
  {
    name: "openshift-service-ca.crt",
    obj: aConfigMap({ name: "openshift-service-ca.crt" }),
    want: "RootCACertificate",
  },
  {
    name: "a Secret named kube-root-ca.crt is copied",
    obj: aSecret("Opaque", { name: "kube-root-ca.crt" }),
  },
  {
    name: "being deleted",
    obj: aConfigMap({ deletionTimestamp: "2026-11-26T08:00:00Z" }),
    want: "BeingDeleted",
  },
  {
    name: "Job owned by a CronJob (copied kind)",
    obj: aJob(ownedBy("batch/v1", "CronJob")),
    want: "OwnedByCopiedObject",
  },
  {
    name: "owner matched across API versions",
    obj: aJob(ownedBy("batch/v1beta1", "CronJob")),
    want: "OwnedByCopiedObject",
  },
  {
    name: "a non-controller owner reference counts too",
    obj: aConfigMap({
      ownerReferences: [{
        apiVersion: "example.com/v1",
        kind: "Widget",
        name: "w",
        uid: "u",
      }],
    }),
    want: "OwnedByCopiedObject",
  },
  {
    name: "owner of a kind we do not copy does not matter",
    obj: aJob(ownedBy("example.com/v1", "Pipeline")),
  },
  {
    name: "same kind name in another group does not match",
    obj: aJob(ownedBy("other.io/v1", "CronJob")),
  },
  {
    name: "owned by a Pod (ephemeral volume claim) is a runtime leftover",
    obj: anObject("v1", "PersistentVolumeClaim", ownedBy("v1", "Pod")),
    want: "OwnedByRuntimeObject",
  },
  {
    name: "a copied owner wins over a runtime owner",
    obj: aConfigMap({
      ownerReferences: [
        { apiVersion: "v1", kind: "Pod", name: "p", uid: "1" },
        { apiVersion: "apps/v1", kind: "Deployment", name: "d", uid: "2" },
      ],
    }),
    want: "OwnedByCopiedObject",
  },
  {
    name: "malformed owner references are ignored",
    obj: aConfigMap({
      ownerReferences: [{ kind: "CronJob" } as never, null as never],
    }),
  },
  {
    name: "selector mismatch",
    obj: aConfigMap({ labels: { app: "db" } }),
    ctx: { selector: { matchLabels: { app: "web" } } },
    want: "SelectorMismatch",
  },
  {
    name: "selector match",
    obj: aConfigMap({ labels: { app: "web" } }),
    ctx: { selector: { matchLabels: { app: "web" } } },
  },
  {
    name: "unlabelled object against NotIn selector is copied",
    obj: aConfigMap(),
    ctx: {
      selector: {
        matchExpressions: [{ key: "tier", operator: "NotIn", values: ["x"] }],
      },
    },
  },
  {
    name: "a DR copy from another replication is copied (failback)",
    obj: aConfigMap({
      labels: { "drsyncer.io/replication": "dr-syncer-system.east-to-west" },
    }),
  },
  {
    name: "our own copy is never fed back",
    obj: aConfigMap({
      labels: { "drsyncer.io/replication": "dr-syncer-system.shop-to-east" },
    }),
    want: "OwnCopy",
  },
  {
    name: "without an owner value a labelled copy is copied",
    obj: aConfigMap({
      labels: { "drsyncer.io/replication": "dr-syncer-system.shop-to-east" },
    }),
    ctx: { ownerValue: undefined },
  },
  {
    name: "missing metadata fields do not throw",
    obj: { apiVersion: "v1", kind: "ConfigMap", metadata: {} as KubeMeta },
  },
];

for (const c of cases) {
  Deno.test(`copyDecision: ${c.name}`, () => {
    const got = copyDecision(c.obj, ctx(c.ctx));
    if (c.want === undefined) {
      assertEquals(got, { copy: true });
    } else {
      assert(!got.copy, `expected skip ${c.want}`);
      assertEquals(got.reason, c.want);
      assert(got.message.length > 0, "a skip explains itself");
    }
  });
}

Deno.test("copyDecision: a deleted object's existing copy is kept, a mismatch's is not", () => {
  assert(REASONS_KEEPING_EXISTING_COPY.has("BeingDeleted"));
  assert(REASONS_KEEPING_EXISTING_COPY.has("IgnoredNamespace"));
  assert(!REASONS_KEEPING_EXISTING_COPY.has("SelectorMismatch"));
  assert(!REASONS_KEEPING_EXISTING_COPY.has("IgnoredObject"));
});

Deno.test("groupKindsOf: core kinds have no group suffix", () => {
  assertEquals(
    [...groupKindsOf([{ group: "", kind: "Secret" }, {
      group: "batch",
      kind: "Job",
    }])],
    ["Secret", "Job.batch"],
  );
});

Deno.test("isIgnored: tolerates missing metadata", () => {
  assertEquals(isIgnored(undefined), false);
  assertEquals(isIgnored({}), false);
  assertEquals(isIgnored({ labels: { "drsyncer.io/ignore": "true" } }), true);
});
