/**
 * The demo's sample app and DR Syncer objects: a small web shop in the
 * source namespace "shop", copied to "shop-dr" on the DR cluster.
 */
import { API_VERSION } from "../../lib/api/v1alpha1.ts";

export const SOURCE_NS = "shop";
export const DR_NS = "shop-dr";
export const SYSTEM_NS = "dr-syncer-system";
export const REPLICATION = "shop-to-dr";
/** The Secret value the demo test makes sure no log line carries. */
export const SECRET_VALUE = "demo-db-password-7f3a9c";

const labels = { app: "web" };

/** Collection path and body of each sample object, in creation order. */
export function sampleApp(): [string, Record<string, unknown>][] {
  const ns = `/api/v1/namespaces/${SOURCE_NS}`;
  const meta = (name: string) => ({ name, namespace: SOURCE_NS, labels });
  return [
    ["/api/v1/namespaces", {
      metadata: { name: SOURCE_NS, labels: { team: "shop" } },
    }],
    [`${ns}/configmaps`, {
      metadata: meta("web-config"),
      data: { greeting: "hello from v1" },
    }],
    [`${ns}/secrets`, {
      metadata: meta("db-credentials"),
      stringData: { password: SECRET_VALUE },
    }],
    [`${ns}/persistentvolumeclaims`, {
      metadata: meta("uploads"),
      spec: {
        accessModes: ["ReadWriteOnce"],
        storageClassName: "fast-ssd",
        resources: { requests: { storage: "1Gi" } },
      },
    }],
    [`${ns}/services`, {
      metadata: meta("web"),
      spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
    }],
    [`/apis/apps/v1/namespaces/${SOURCE_NS}/deployments`, {
      metadata: meta("web"),
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
        },
      },
    }],
    [`/apis/networking.k8s.io/v1/namespaces/${SOURCE_NS}/ingresses`, {
      metadata: meta("web"),
      spec: {
        ingressClassName: "nginx",
        rules: [{
          host: "shop.example.com",
          http: {
            paths: [{
              path: "/",
              pathType: "Prefix",
              backend: { service: { name: "web", port: { number: 80 } } },
            }],
          },
        }],
      },
    }],
  ];
}

const GROUP = `/apis/drsyncer.io/v1alpha1/namespaces/${SYSTEM_NS}`;

/** The RemoteCluster, NamespaceMapping and NamespaceReplication. */
export function drSyncerObjects(): [string, Record<string, unknown>][] {
  const meta = (name: string) => ({ name, namespace: SYSTEM_NS });
  const own = (kind: string, name: string, spec: unknown) => ({
    apiVersion: API_VERSION,
    kind,
    metadata: meta(name),
    spec,
  });
  return [
    [
      `${GROUP}/remoteclusters`,
      own("RemoteCluster", "dr", {
        kubeconfigSecretRef: { name: "dr-kubeconfig" },
        probeInterval: "30s",
      }),
    ],
    [
      `${GROUP}/namespacemappings`,
      own("NamespaceMapping", "shop", {
        sourceNamespace: SOURCE_NS,
        destinationNamespace: DR_NS,
      }),
    ],
    [
      `${GROUP}/namespacereplications`,
      own("NamespaceReplication", REPLICATION, {
        remoteClusterRef: { name: "dr" },
        namespaceMappingRefs: [{ name: "shop" }],
        mode: "Continuous",
        storageClassMappings: [{ from: "fast-ssd", to: "dr-ssd" }],
        ingress: {
          hostRewrites: [{
            from: "shop.example.com",
            to: "shop-dr.example.com",
          }],
          classMappings: [{ from: "nginx", to: "nginx-dr" }],
        },
        pruneSafety: { delay: "0s" },
      }),
    ],
  ];
}

/** Path of the replication, for status reads. */
export const REPLICATION_PATH = `${GROUP}/namespacereplications/${REPLICATION}`;
