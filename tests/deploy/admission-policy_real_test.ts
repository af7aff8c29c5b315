/**
 * deploy/dr-cluster (RBAC and the ValidatingAdmissionPolicy of
 * admission-policy.yaml) installed on a real kube-apiserver (tests/kube),
 * then exercised as the DR identity itself (a TokenRequest token of
 * dr-syncer-system/dr-syncer-remote): each deny comes back 403 from the
 * policy, each exception is let through. admission-policy_test.ts checks
 * the same expressions offline. Runs wherever Go is present.
 */
import "../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../assert.ts";
import { eventually, GO_PRESENT } from "../kube/harness.ts";
import { type KubeCluster, startKube } from "../kube/mod.ts";
import { ROOT } from "./manifests.ts";

const OURS = { "drsyncer.io/replication": "dr-syncer-system.shop" };
const POLICY_DENY = /ValidatingAdmissionPolicy 'dr-syncer-remote-guard'/;

interface Reply {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Plain HTTPS to the API server as one bearer token. */
class As {
  readonly #client: Deno.HttpClient;
  constructor(private cluster: KubeCluster, private token: string) {
    this.#client = Deno.createHttpClient({ caCerts: [cluster.caPem] });
  }

  async call(method: string, path: string, body?: unknown): Promise<Reply> {
    const r = await fetch(`${this.cluster.url}${path}`, {
      method,
      client: this.#client,
      headers: {
        authorization: `Bearer ${this.token}`,
        "content-type": "application/json",
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  }

  async ok(method: string, path: string, body?: unknown) {
    const r = await this.call(method, path, body);
    assert(r.status < 300, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  close() {
    this.#client.close();
  }
}

const cmPath = (ns: string, name = "") =>
  `/api/v1/namespaces/${ns}/configmaps${name ? `/${name}` : ""}`;

function configMap(
  ns: string,
  name: string,
  labels: Record<string, string> = {},
) {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: ns, labels },
    data: { a: "1" },
  };
}

function namespace(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
) {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels, annotations },
  };
}

async function kubectl(cluster: KubeCluster, args: string[]) {
  const out = await new Deno.Command("kubectl", {
    args: ["--kubeconfig", cluster.kubeconfigPath, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  assertEquals(out.code, 0, text.decode(out.stderr));
  return text.decode(out.stdout);
}

/** A write of the DR identity, answered 403 by the policy with `why`. */
async function denied(reply: Promise<Reply>, why: RegExp, what: string) {
  const r = await reply;
  assertEquals(r.status, 403, `${what}: ${JSON.stringify(r.body)}`);
  assertMatch(r.body.message, POLICY_DENY, what);
  assertMatch(r.body.message, why, what);
}

async function allowed(reply: Promise<Reply>, what: string) {
  const r = await reply;
  assert(r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
}

Deno.test({
  name:
    "admission policy on a real API server: the DR identity is denied each forbidden write and allowed each exception",
  ignore: !GO_PRESENT,
  async fn() {
    const kube = await startKube({ clusters: ["dr"] });
    const cluster = kube.clusters.dr;
    const admin = new As(cluster, cluster.adminToken);
    let dr: As | undefined;
    try {
      await kubectl(cluster, ["apply", "-k", `${ROOT}deploy/dr-cluster`]);
      dr = new As(
        cluster,
        await cluster.createServiceAccountToken(
          "dr-syncer-system",
          "dr-syncer-remote",
        ),
      );
      const as = dr;
      // Enforcement starts a moment after the policy is created: wait for a
      // probe write (RBAC allows it) to be refused by the policy.
      await eventually("the policy enforced", async () => {
        const r = await as.call(
          "POST",
          cmPath("kube-system"),
          configMap("kube-system", "probe", OURS),
        );
        if (r.status === 201) {
          await admin.ok("DELETE", cmPath("kube-system", "probe"));
        }
        return r.status === 403 ? true : undefined;
      });
      const vap = await eventually("policy status", async () => {
        const p = await admin.ok(
          "GET",
          "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/dr-syncer-remote-guard",
        );
        return p.status?.typeChecking ? p : undefined;
      });
      assertEquals(vap.status.typeChecking.expressionWarnings ?? [], []);

      // The world as an admin left it.
      await admin.ok("POST", "/api/v1/namespaces", namespace("shop-dr", OURS));
      await admin.ok("POST", "/api/v1/namespaces", namespace("premade"));
      await admin.ok("POST", cmPath("shop-dr"), configMap("shop-dr", "theirs"));
      await admin.ok(
        "POST",
        cmPath("shop-dr"),
        configMap("shop-dr", "adopted", {
          ...OURS,
          "drsyncer.io/adopted": "true",
        }),
      );
      await admin.ok(
        "POST",
        "/api/v1/namespaces",
        namespace("promoted-a", OURS, {
          "drsyncer.io/promoted": "2026-12-04T10:00:00Z",
        }),
      );
      await admin.ok(
        "POST",
        "/api/v1/namespaces",
        namespace("promoted-l", { ...OURS, "drsyncer.io/promoted": "yes" }),
      );
      await admin.ok(
        "POST",
        cmPath("promoted-a"),
        configMap("promoted-a", "c", OURS),
      );

      // Denied.
      for (
        const ns of [
          "kube-system",
          "kube-public",
          "default",
          "dr-syncer-system",
        ]
      ) {
        await denied(
          as.call("POST", cmPath(ns), configMap(ns, "x", OURS)),
          /may not write in kube-\*, default or its own namespace/,
          `create in ${ns}`,
        );
      }
      const theirs = await as.ok("GET", cmPath("shop-dr", "theirs"));
      await denied(
        as.call("PUT", cmPath("shop-dr", "theirs"), {
          ...theirs,
          data: { a: "2" },
        }),
        /may update or delete only objects labelled drsyncer.io\/replication/,
        "update an unlabelled object",
      );
      await denied(
        as.call("PUT", cmPath("shop-dr", "theirs"), {
          ...theirs,
          metadata: { ...theirs.metadata, labels: OURS },
        }),
        /only objects labelled/,
        "take an object over without marking it adopted",
      );
      await denied(
        as.call("DELETE", cmPath("shop-dr", "theirs")),
        /only objects labelled/,
        "delete an unlabelled object",
      );
      await denied(
        as.call("DELETE", cmPath("shop-dr", "adopted")),
        /never delete adopted ones/,
        "delete an adopted object",
      );
      for (const ns of ["promoted-a", "promoted-l"]) {
        await denied(
          as.call("POST", cmPath(ns), configMap(ns, "new", OURS)),
          /writes nothing into a namespace marked drsyncer.io\/promoted/,
          `create in ${ns}`,
        );
      }
      const inPromoted = await as.ok("GET", cmPath("promoted-a", "c"));
      await denied(
        as.call("PUT", cmPath("promoted-a", "c"), {
          ...inPromoted,
          data: { a: "0" },
        }),
        /drsyncer.io\/promoted/,
        "update our copy in a promoted namespace",
      );
      await denied(
        as.call("DELETE", cmPath("promoted-a", "c")),
        /drsyncer.io\/promoted/,
        "prune in a promoted namespace",
      );
      const promotedNs = await as.ok("GET", "/api/v1/namespaces/promoted-a");
      const { "drsyncer.io/promoted": _, ...unmarked } =
        promotedNs.metadata.annotations;
      await denied(
        as.call("PUT", "/api/v1/namespaces/promoted-a", {
          ...promotedNs,
          metadata: { ...promotedNs.metadata, annotations: unmarked },
        }),
        /drsyncer.io\/promoted/,
        "unmark a promoted namespace",
      );
      const shopNs = await as.ok("GET", "/api/v1/namespaces/shop-dr");
      await denied(
        as.call("PUT", "/api/v1/namespaces/shop-dr", {
          ...shopNs,
          metadata: {
            ...shopNs.metadata,
            labels: {
              ...shopNs.metadata.labels,
              "drsyncer.io/dr-writable": "true",
            },
          },
        }),
        /may not set drsyncer.io\/dr-writable/,
        "opt a namespace in by itself",
      );
      const premade = await as.ok("GET", "/api/v1/namespaces/premade");
      await denied(
        as.call("PUT", "/api/v1/namespaces/premade", {
          ...premade,
          metadata: {
            ...premade.metadata,
            labels: { ...premade.metadata.labels, team: "mine" },
          },
        }),
        /only objects labelled/,
        "change a label of a namespace we did not create",
      );

      // Allowed.
      await allowed(
        as.call("POST", cmPath("shop-dr"), configMap("shop-dr", "copy", OURS)),
        "create a copy",
      );
      const copy = await as.ok("GET", cmPath("shop-dr", "copy"));
      await allowed(
        as.call("PUT", cmPath("shop-dr", "copy"), {
          ...copy,
          data: { a: "2" },
        }),
        "update our own copy",
      );
      await allowed(
        as.call("DELETE", cmPath("shop-dr", "copy")),
        "prune our own copy",
      );
      await allowed(
        as.call("PUT", cmPath("shop-dr", "theirs"), {
          ...theirs,
          metadata: {
            ...theirs.metadata,
            labels: { ...OURS, "drsyncer.io/adopted": "true" },
          },
        }),
        "Adopt's first write",
      );
      const sa = await eventually("the default ServiceAccount", async () => {
        const r = await as.call(
          "GET",
          "/api/v1/namespaces/shop-dr/serviceaccounts/default",
        );
        return r.status === 200 ? r.body : undefined;
      });
      await allowed(
        as.call("PUT", "/api/v1/namespaces/shop-dr/serviceaccounts/default", {
          ...sa,
          imagePullSecrets: [{ name: "registry" }],
        }),
        "merge imagePullSecrets into the default ServiceAccount",
      );
      await allowed(
        as.call("PUT", "/api/v1/namespaces/premade", {
          ...premade,
          metadata: {
            ...premade.metadata,
            annotations: {
              ...premade.metadata.annotations,
              "drsyncer.io/prune-history": "[1764842400]",
            },
          },
        }),
        "record the prune budget on a namespace we did not create",
      );
      const def = await admin.ok("GET", "/api/v1/namespaces/default");
      await admin.ok("PUT", "/api/v1/namespaces/default", {
        ...def,
        metadata: {
          ...def.metadata,
          labels: { ...def.metadata.labels, "drsyncer.io/dr-writable": "true" },
        },
      });
      await allowed(
        as.call("POST", cmPath("default"), configMap("default", "x", OURS)),
        "create in default once an admin opted it in",
      );
    } finally {
      dr?.close();
      admin.close();
      await kube.stop();
    }
  },
});
