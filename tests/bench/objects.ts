/**
 * The benchmark's object mix: per 100 objects 30 ConfigMaps, 20 Secrets,
 * 15 Deployments, 15 Services, 10 Ingresses and 10 PVCs, each about the size
 * of what real applications carry (a few keys, one container, one rule).
 */
import type { KubeObject } from "../../lib/sync/types.ts";

/** Kind → share of every 100 objects, and where it is written. */
export const MIX = [
  { kind: "ConfigMap", apiVersion: "v1", plural: "configmaps", per100: 30 },
  { kind: "Secret", apiVersion: "v1", plural: "secrets", per100: 20 },
  {
    kind: "Deployment",
    apiVersion: "apps/v1",
    plural: "deployments",
    per100: 15,
  },
  { kind: "Service", apiVersion: "v1", plural: "services", per100: 15 },
  {
    kind: "Ingress",
    apiVersion: "networking.k8s.io/v1",
    plural: "ingresses",
    per100: 10,
  },
  {
    kind: "PersistentVolumeClaim",
    apiVersion: "v1",
    plural: "persistentvolumeclaims",
    per100: 10,
  },
] as const;

/** Collection path of `o` (namespaced) on any cluster. */
export function collectionPath(o: KubeObject): string {
  const plural = MIX.find((m) => m.kind === o.kind)?.plural;
  const ns = o.metadata.namespace;
  const base = o.apiVersion.includes("/")
    ? `/apis/${o.apiVersion}`
    : `/api/${o.apiVersion}`;
  return `${base}/namespaces/${ns}/${plural}`;
}

function labels(app: string): Record<string, string> {
  return { app, tier: "backend", "app.kubernetes.io/part-of": "shop" };
}

const BODIES: Record<string, (name: string) => Record<string, unknown>> = {
  ConfigMap: (name) => ({
    data: {
      "app.properties": `name=${name}\nlog.level=info\npool.size=16\n`,
      "feature-flags.json": JSON.stringify({ checkout: true, beta: false }),
    },
  }),
  Secret: () => ({
    type: "Opaque",
    stringData: { username: "app", password: "s3cr3t-p4ssw0rd-0123456789" },
  }),
  Deployment: (name) => ({
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: labels(name) },
        spec: {
          containers: [{
            name: "app",
            image: `registry.example.com/shop/${name}:1.4.2`,
            ports: [{ containerPort: 8080, name: "http" }],
            env: [{ name: "LOG_LEVEL", value: "info" }, {
              name: "DB_HOST",
              value: "db.shop.svc",
            }],
            resources: {
              requests: { cpu: "100m", memory: "128Mi" },
              limits: { memory: "256Mi" },
            },
          }],
        },
      },
    },
  }),
  Service: (name) => ({
    spec: {
      selector: { app: name },
      ports: [{ name: "http", port: 80, targetPort: 8080 }],
    },
  }),
  Ingress: (name) => ({
    spec: {
      ingressClassName: "nginx",
      rules: [{
        host: `${name}.shop.example.com`,
        http: {
          paths: [{
            path: "/",
            pathType: "Prefix",
            backend: { service: { name, port: { number: 80 } } },
          }],
        },
      }],
    },
  }),
  PersistentVolumeClaim: () => ({
    spec: {
      accessModes: ["ReadWriteOnce"],
      storageClassName: "standard",
      resources: { requests: { storage: "1Gi" } },
    },
  }),
};

/** The mix entry of the `i`-th object: shares repeat every 100 objects. */
function mixAt(i: number): (typeof MIX)[number] {
  let slot = i % 100;
  for (const m of MIX) {
    if (slot < m.per100) return m;
    slot -= m.per100;
  }
  return MIX[0];
}

/** `count` objects of the mix for `namespace` (unique names). */
export function objectMix(namespace: string, count: number): KubeObject[] {
  return Array.from({ length: count }, (_, i) => {
    const m = mixAt(i);
    const name = `${m.kind.toLowerCase()}-${i}`;
    return {
      apiVersion: m.apiVersion,
      kind: m.kind,
      metadata: { name, namespace, labels: labels(name) },
      ...BODIES[m.kind](name),
    };
  });
}
