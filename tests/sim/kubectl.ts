/** Helpers of the kubectl fidelity tests: run the real binary against a sim. */
import { assert, assertEquals } from "../assert.ts";
import type { SimCluster } from "./cluster.ts";

/** Outcome of one kubectl run. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const decoder = new TextDecoder();

/** Runs the real kubectl against a cluster with a fresh discovery cache. */
export async function kubectl(
  c: Pick<SimCluster, "kubeconfigPath">,
  args: string[],
  stdin?: string,
): Promise<Run> {
  const cacheDir = `${c.kubeconfigPath}.cache`;
  const cmd = new Deno.Command("kubectl", {
    args: ["--kubeconfig", c.kubeconfigPath, "--cache-dir", cacheDir, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  let child: Deno.ChildProcess;
  try {
    child = cmd.spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new Error(
        "kubectl is not on PATH: the kube-sim fidelity tests need kubectl v1.32 installed",
      );
    }
    throw e;
  }
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** Runs kubectl, asserting success; returns stdout. */
export async function ok(
  c: Pick<SimCluster, "kubeconfigPath">,
  args: string[],
  stdin?: string,
): Promise<string> {
  const r = await kubectl(c, args, stdin);
  assertEquals(r.code, 0, `kubectl ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** A namespace, a ConfigMap and a Deployment, as YAML. */
export const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: kc
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: c1
  namespace: kc
data:
  a: "1"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: kc
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1.25
`;

/** Every non-empty leaf of `want` is present with the same value in `got`. */
export function assertSubset(got: unknown, want: unknown, path = ""): void {
  if (want === null || want === undefined) return;
  if (Array.isArray(want)) {
    assert(Array.isArray(got), `${path}: expected an array`);
    want.forEach((w, i) =>
      assertSubset((got as unknown[])[i], w, `${path}[${i}]`)
    );
  } else if (typeof want === "object") {
    for (const [k, v] of Object.entries(want)) {
      assertSubset((got as Record<string, unknown>)?.[k], v, `${path}.${k}`);
    }
  } else assertEquals(got, want, path);
}
