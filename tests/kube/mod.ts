/**
 * Test-facing API of the real world: N named Kubernetes control planes (kube-apiserver and
 * kube-controller-manager per cluster, one shared etcd with a key prefix per cluster), built from
 * Go modules at pinned versions (tests/kube/pins.ts) on first use.
 *
 * ```ts
 * const kube = await startKube({ clusters: ["source", "dr"] });
 * const kc = new k8s.KubeConfig();
 * kc.loadFromString(kube.clusters.source.kubeconfig);
 * // …
 * await kube.stop();
 * ```
 */
import { kubeconfigYaml } from "../sim/kubeconfig.ts";
import { AUDIT_POLICY } from "../world/audit.ts";
import { ensureBinaries } from "./build.ts";
import { makeControlPlaneCerts } from "./certs.ts";
import { freePort, ManagedProcess } from "./process.ts";

/**
 * Controllers kube-controller-manager runs: what namespaces, GC, ServiceAccounts and workloads
 * need, and the PVC/PV protection controllers: admission adds their finalizers
 * (kubernetes.io/pvc-protection, kubernetes.io/pv-protection) to every claim and volume, and
 * without them a deleted claim would never go (promote recreates DR claims).
 */
export const CONTROLLERS = [
  "namespace-controller",
  "garbage-collector-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "root-ca-certificate-publisher-controller",
  "clusterrole-aggregation-controller",
  "validatingadmissionpolicy-status-controller",
  "deployment-controller",
  "replicaset-controller",
  "statefulset-controller",
  "daemonset-controller",
  "job-controller",
  "cronjob-controller",
  "persistentvolumeclaim-protection-controller",
  "persistentvolume-protection-controller",
];

const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";
// Generous: on 2 busy cores a cold kube-apiserver takes tens of seconds to become ready.
const READY_TIMEOUT_MS = 300_000;

export interface KubeOptions {
  /** Cluster names; default ["source", "dr"]. */
  clusters?: string[];
  /** Where `<name>.kubeconfig` files go; default a fresh temp dir (removed on stop). */
  dir?: string;
  /** Progress lines (builds, starts); default silent. */
  log?: (line: string) => void;
}

export interface KubeCluster {
  name: string;
  /** https://127.0.0.1:<port> */
  url: string;
  /** Admin kubeconfig (bearer token of a `system:masters` user, CA inline). */
  kubeconfig: string;
  kubeconfigPath: string;
  adminToken: string;
  /** PEM of the CA that signed the serving certificate (and that `kube-root-ca.crt` carries). */
  caPem: string;
  /** A kubeconfig for the given bearer token (a ServiceAccount's, say); default the admin's. */
  kubeconfigFor(token?: string, user?: string): string;
  /** A token of ServiceAccount `namespace/name` (TokenRequest API, 1 h); its rights come from RBAC. */
  createServiceAccountToken(namespace: string, name: string): Promise<string>;
  /** kube-apiserver's audit log (JSON lines, policy AUDIT_POLICY): the real request counters. */
  auditLogPath: string;
  /** Stops this cluster's controller manager and API server (the shared etcd stays). */
  stop(): Promise<void>;
}

export interface Kube {
  clusters: Record<string, KubeCluster>;
  dir: string;
  /** Stops every process started (controllers, API servers, then etcd) and removes state. */
  stop(): Promise<void>;
}

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until true; fails early with the log of a process that died meanwhile. */
async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  watched: ManagedProcess[],
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    for (const p of watched) {
      const status = await Promise.race([p.exited, Promise.resolve(undefined)]);
      if (status) {
        throw new Error(
          `${p.name} exited (code ${status.code}) before ${what}:\n${await p
            .logTail()}`,
        );
      }
    }
    try {
      if (await probe()) return;
    } catch { /* not serving yet */ }
    if (Date.now() > deadline) {
      const tails = await Promise.all(
        watched.map(async (p) => `${p.name}:\n${await p.logTail()}`),
      );
      throw new Error(`timed out waiting for ${what}\n${tails.join("\n")}`);
    }
    await sleep(250);
  }
}

async function startEtcd(
  binary: string,
  stateDir: string,
  log: (l: string) => void,
) {
  const clientPort = freePort();
  const peerPort = freePort();
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const etcd = new ManagedProcess("etcd", binary, [
    "--name=drs",
    `--data-dir=${stateDir}/etcd`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=drs=${peer}`,
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ], `${stateDir}/etcd.log`);
  await waitFor("etcd /health", async () => {
    const res = await fetch(`${client}/health`);
    const body = await res.json();
    return res.ok && body.health === "true";
  }, [etcd]);
  log(`kube: etcd ready at ${client}`);
  return { etcd, client };
}

interface StartedCluster {
  cluster: KubeCluster;
  processes: ManagedProcess[];
}

async function startCluster(
  name: string,
  binaries: Record<string, string>,
  etcdUrl: string,
  stateDir: string,
  dir: string,
  log: (l: string) => void,
): Promise<StartedCluster> {
  const state = `${stateDir}/${name}`;
  const certs = await makeControlPlaneCerts(state, name);
  const caPem = await Deno.readTextFile(certs.caCert);
  const adminToken = randomHex(24);
  await Deno.writeTextFile(
    `${state}/tokens.csv`,
    `${adminToken},admin,admin,system:masters\n`,
  );
  const port = freePort();
  const url = `https://127.0.0.1:${port}`;
  const kubeconfigFor = (token = adminToken, user = `${name}-admin`) =>
    kubeconfigYaml({ cluster: name, server: url, caPem, user, token });
  const kubeconfig = kubeconfigFor();
  const kubeconfigPath = `${dir}/${name}.kubeconfig`;
  await Deno.writeTextFile(kubeconfigPath, kubeconfig);
  await Deno.writeTextFile(`${state}/admin.kubeconfig`, kubeconfig);
  await Deno.writeTextFile(`${state}/audit-policy.yaml`, AUDIT_POLICY);
  const auditLogPath = `${state}/audit.log`;

  const apiserver = new ManagedProcess(
    `${name} kube-apiserver`,
    binaries["kube-apiserver"],
    [
      `--etcd-servers=${etcdUrl}`,
      `--etcd-prefix=/registry-${name}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${port}`,
      `--tls-cert-file=${certs.servingCert}`,
      `--tls-private-key-file=${certs.servingKey}`,
      `--client-ca-file=${certs.caCert}`,
      `--token-auth-file=${state}/tokens.csv`,
      "--authorization-mode=RBAC",
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${certs.saPub}`,
      `--service-account-signing-key-file=${certs.saKey}`,
      // kubeadm's default (and kube-sim's), so a test's fixed clusterIP is valid in both worlds.
      "--service-cluster-ip-range=10.96.0.0/12",
      "--allow-privileged=true",
      "--endpoint-reconciler-type=none",
      `--cert-dir=${state}/apiserver-certs`,
      `--audit-policy-file=${state}/audit-policy.yaml`,
      `--audit-log-path=${auditLogPath}`,
      "--audit-log-format=json",
      "--audit-log-mode=blocking",
    ],
    `${state}/kube-apiserver.log`,
  );
  const processes = [apiserver];
  const client = Deno.createHttpClient({ caCerts: [caPem] });
  const get = (path: string) =>
    fetch(`${url}${path}`, {
      client,
      headers: { authorization: `Bearer ${adminToken}` },
    });
  try {
    await waitFor(`${name} kube-apiserver /readyz`, async () => {
      const res = await get("/readyz");
      await res.body?.cancel();
      return res.ok;
    }, processes);
    log(`kube: ${name} kube-apiserver ready at ${url}`);

    const kcm = new ManagedProcess(
      `${name} kube-controller-manager`,
      binaries["kube-controller-manager"],
      [
        `--kubeconfig=${state}/admin.kubeconfig`,
        `--controllers=${CONTROLLERS.join(",")}`,
        "--secure-port=0",
        "--leader-elect=false",
        `--service-account-private-key-file=${certs.saKey}`,
        `--root-ca-file=${certs.caCert}`,
        "--concurrent-gc-syncs=5",
      ],
      `${state}/kube-controller-manager.log`,
    );
    processes.push(kcm);
    // Controllers run when the `default` namespace has its ServiceAccount (serviceaccount
    // controller) and its `kube-root-ca.crt` ConfigMap (root CA publisher).
    await waitFor(
      `${name} controllers (default ServiceAccount, kube-root-ca.crt)`,
      async () => {
        const [sa, cm] = await Promise.all([
          get("/api/v1/namespaces/default/serviceaccounts/default"),
          get("/api/v1/namespaces/default/configmaps/kube-root-ca.crt"),
        ]);
        await Promise.all([sa.body?.cancel(), cm.body?.cancel()]);
        return sa.ok && cm.ok;
      },
      processes,
    );
    log(`kube: ${name} controllers running`);
  } catch (e) {
    await Promise.all(processes.map((p) => p.stop(1000)));
    throw e;
  } finally {
    client.close();
  }
  const createServiceAccountToken = async (namespace: string, sa: string) => {
    const http = Deno.createHttpClient({ caCerts: [caPem] });
    try {
      const res = await fetch(
        `${url}/api/v1/namespaces/${namespace}/serviceaccounts/${sa}/token`,
        {
          method: "POST",
          client: http,
          headers: {
            authorization: `Bearer ${adminToken}`,
            "content-type": "application/json",
          },
          body: JSON.stringify({
            apiVersion: "authentication.k8s.io/v1",
            kind: "TokenRequest",
            spec: { expirationSeconds: 3600 },
          }),
        },
      );
      const body = await res.json();
      if (!res.ok) {
        throw new Error(`TokenRequest for ${namespace}/${sa}: ${body.message}`);
      }
      return body.status.token as string;
    } finally {
      http.close();
    }
  };
  const stopCluster = async () => {
    for (const p of [...processes].reverse()) await p.stop();
  };
  return {
    cluster: {
      name,
      url,
      kubeconfig,
      kubeconfigPath,
      adminToken,
      caPem,
      kubeconfigFor,
      createServiceAccountToken,
      auditLogPath,
      stop: stopCluster,
    },
    processes,
  };
}

/** Builds (on first use) and starts the named control planes; resolves once all are ready. */
export async function startKube(opts: KubeOptions = {}): Promise<Kube> {
  const names = opts.clusters ?? ["source", "dr"];
  const log = opts.log ?? (() => {});
  const binaries = await ensureBinaries([
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
  ], log);
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? await Deno.makeTempDir({ prefix: "drs-kube-" });
  // State (certs, etcd data, logs) lives under DIR so every process's command line names DIR:
  // a leak check can find them.
  const stateDir = await Deno.makeTempDir({ dir, prefix: ".kube-state-" });
  const { etcd, client: etcdUrl } = await startEtcd(
    binaries.etcd,
    stateDir,
    log,
  ).catch(
    async (e) => {
      await Deno.remove(stateDir, { recursive: true }).catch(() => {});
      throw e;
    },
  );
  const started = await Promise.allSettled(
    names.map((name) =>
      startCluster(name, binaries, etcdUrl, stateDir, dir, log)
    ),
  );
  const clusters: Record<string, KubeCluster> = {};
  const stop = async () => {
    await Promise.all(
      started.map((s) =>
        s.status === "fulfilled" ? s.value.cluster.stop() : undefined
      ),
    );
    await etcd.stop();
    await Deno.remove(stateDir, { recursive: true }).catch(() => {});
    if (ownDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  for (const s of started) {
    if (s.status === "fulfilled") {
      clusters[s.value.cluster.name] = s.value.cluster;
    }
  }
  return { clusters, dir, stop };
}
