import "../../lib/preload.ts";
import { assert, assertEquals } from "../assert.ts";
import { findOne, loadManifests } from "./manifests.ts";

/** `dr-syncer run` flags from the contract (§5); the image adds `run` itself. */
const RUN_FLAGS = new Set([
  "--kubeconfig",
  "--namespace",
  "--leader-elect",
  "--metrics-addr",
  "--health-addr",
  "--log-format",
  "--log-level",
]);
const MEBI = 1024 * 1024;
/** Idle RSS of the controller measured by `deno task bench` (173 MB), rounded up. */
const IDLE_RSS_BYTES = 180 * MEBI;

const manifests = loadManifests();
const deployment = findOne(manifests, "Deployment", "dr-syncer").doc;
const pod = deployment.spec.template.spec;
const [container] = pod.containers;

/** "160Mi" → bytes; only the binary suffixes the manifests use. */
function bytes(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`unsupported quantity ${quantity}`);
  return Number(m[1]) * 1024 ** (["Ki", "Mi", "Gi"].indexOf(m[2]) + 1);
}

/** "--metrics-addr=:8080" → ["--metrics-addr", ":8080"]. */
function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

function argValue(flag: string): string | undefined {
  return (container.args as string[]).map(splitFlag)
    .find(([name]) => name === flag)?.[1];
}

function portNumber(name: string): number {
  const port = container.ports.find((p: { name: string }) => p.name === name);
  assert(port, `no container port named ${name}`);
  return port.containerPort;
}

Deno.test("pod and container run non-root, read-only, with no capabilities", () => {
  assertEquals(pod.securityContext.runAsNonRoot, true);
  assert(pod.securityContext.runAsUser > 0, "runAsUser must not be root");
  assertEquals(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
  const sc = container.securityContext;
  assertEquals(sc.runAsNonRoot, true);
  assertEquals(sc.readOnlyRootFilesystem, true);
  assertEquals(sc.allowPrivilegeEscalation, false);
  assertEquals(sc.privileged, false);
  assertEquals(sc.capabilities, { drop: ["ALL"] });
  assertEquals(sc.seccompProfile, { type: "RuntimeDefault" });
  assertEquals(pod.automountServiceAccountToken, true);
  assertEquals(pod.serviceAccountName, "dr-syncer");
  assertEquals(pod.terminationGracePeriodSeconds, 30);
  assertEquals(pod.hostNetwork ?? false, false);
});

Deno.test("every argument is a `dr-syncer run` flag from the contract", () => {
  const names = (container.args as string[]).map((a) => splitFlag(a)[0]);
  for (const name of names) assert(RUN_FLAGS.has(name), `unknown flag ${name}`);
  assertEquals(new Set(names).size, names.length, "a flag is repeated");
  assert(names.includes("--leader-elect"), "two replicas need --leader-elect");
  assertEquals(container.command, undefined, "the image's ENTRYPOINT must run");
});

Deno.test("probes hit /healthz and /readyz on the --health-addr port", () => {
  const healthPort = Number(argValue("--health-addr")?.split(":").pop());
  assertEquals(portNumber("health"), healthPort);
  assertEquals(container.livenessProbe.httpGet, {
    path: "/healthz",
    port: "health",
  });
  assertEquals(container.readinessProbe.httpGet, {
    path: "/readyz",
    port: "health",
  });
});

Deno.test("the metrics port matches --metrics-addr and the Service", () => {
  const metricsPort = Number(argValue("--metrics-addr")?.split(":").pop());
  assertEquals(portNumber("metrics"), metricsPort);
  const svc = findOne(manifests, "Service", "dr-syncer-metrics").doc;
  assertEquals(svc.spec.ports[0].targetPort, "metrics");
  const podLabels = deployment.spec.template.metadata.labels;
  for (const [k, v] of Object.entries(svc.spec.selector)) {
    assertEquals(podLabels[k], v, `Service selector ${k} misses the pods`);
  }
});

Deno.test("memory request covers idle RSS and the limit leaves headroom", () => {
  const { requests, limits } = container.resources;
  assertEquals(requests.cpu, "50m");
  assert(bytes(requests.memory) >= IDLE_RSS_BYTES, "request below idle RSS");
  // 20,000 replicated objects measured 303 MB: the limit must hold that.
  assert(bytes(limits.memory) >= 2.5 * IDLE_RSS_BYTES, "limit too tight");
  assertEquals(limits.cpu, undefined, "CPU limits throttle lease renewals");
});

Deno.test("two replicas elect a leader named by the downward API", () => {
  assertEquals(deployment.spec.replicas, 2);
  const env = Object.fromEntries(
    container.env.map((e: { name: string; valueFrom: unknown }) => [
      e.name,
      e.valueFrom,
    ]),
  );
  assertEquals(env.POD_NAME, { fieldRef: { fieldPath: "metadata.name" } });
  assertEquals(argValue("--namespace"), "$(POD_NAMESPACE)");
  assertEquals(env.POD_NAMESPACE, {
    fieldRef: { fieldPath: "metadata.namespace" },
  });
  const keys = pod.topologySpreadConstraints.map(
    (t: { topologyKey: string }) => t.topologyKey,
  );
  assert(keys.includes("kubernetes.io/hostname"), "replicas may share a node");
  const pdb = findOne(manifests, "PodDisruptionBudget", "dr-syncer").doc;
  assertEquals(pdb.spec.selector, deployment.spec.selector);
});

Deno.test("the image is pinned to a version, never latest", () => {
  const [, tag] = String(container.image).split(":");
  assert(tag && tag !== "latest", `image ${container.image} is not pinned`);
});
