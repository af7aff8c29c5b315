// A real control plane started in-process (startKube) gives what a real cluster gives: its
// version, RBAC, ServiceAccount token Secrets, namespace finalization, garbage collection and
// PVC protection.
// One cluster for the whole file (starting one costs seconds); each behaviour is a step.
import { assert, assertEquals } from "../assert.ts";
import { KUBERNETES_VERSION } from "./pins.ts";
import { AdminClient, eventually, GO_PRESENT } from "./harness.ts";
import { startKube } from "./mod.ts";

Deno.test({
  name: "kube: a real control plane from Go modules behaves like a cluster",
  ignore: !GO_PRESENT,
  async fn(t) {
    const kube = await startKube({ clusters: ["solo"] });
    const api = new AdminClient(kube.clusters.solo);
    try {
      await t.step(
        "/version reports the pinned Kubernetes release",
        async () => {
          const { status, json } = await api.request("GET", "/version");
          assertEquals(status, 200);
          assertEquals(json.gitVersion, KUBERNETES_VERSION);
        },
      );

      await t.step(
        "RBAC is enforced for a ServiceAccount without bindings",
        async () => {
          const review = await api.request(
            "POST",
            "/apis/authorization.k8s.io/v1/subjectaccessreviews",
            {
              apiVersion: "authorization.k8s.io/v1",
              kind: "SubjectAccessReview",
              spec: {
                user: "system:serviceaccount:default:default",
                resourceAttributes: {
                  verb: "list",
                  resource: "secrets",
                  namespace: "default",
                },
              },
            },
          );
          assertEquals(review.status, 201);
          assertEquals(
            (review.json.status as { allowed: boolean }).allowed,
            false,
          );
        },
      );

      await t.step(
        "a ServiceAccount token Secret gets its token filled",
        async () => {
          const created = await api.request(
            "POST",
            "/api/v1/namespaces/default/secrets",
            {
              apiVersion: "v1",
              kind: "Secret",
              metadata: {
                name: "default-token",
                annotations: {
                  "kubernetes.io/service-account.name": "default",
                },
              },
              type: "kubernetes.io/service-account-token",
            },
          );
          assertEquals(created.status, 201);
          const data = await eventually("token Secret filled", async () => {
            const { json } = await api.request(
              "GET",
              "/api/v1/namespaces/default/secrets/default-token",
            );
            const d = json.data as Record<string, string> | undefined;
            return d?.token ? d : undefined;
          });
          assert(atob(data.token).split(".").length === 3, "token is a JWT");
          assert(atob(data["ca.crt"]).includes("BEGIN CERTIFICATE"));
        },
      );

      await t.step(
        "a new namespace gets its ServiceAccount and root CA, then finalizes on delete",
        async () => {
          const ns = "probe-finalize";
          assertEquals(
            (await api.request("POST", "/api/v1/namespaces", {
              metadata: { name: ns },
            })).status,
            201,
          );
          await eventually(
            "default ServiceAccount and kube-root-ca.crt",
            async () => {
              const sa = await api.request(
                "GET",
                `/api/v1/namespaces/${ns}/serviceaccounts/default`,
              );
              const cm = await api.request(
                "GET",
                `/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`,
              );
              return sa.status === 200 && cm.status === 200 ? true : undefined;
            },
          );
          await api.request("POST", `/api/v1/namespaces/${ns}/configmaps`, {
            metadata: { name: "content" },
            data: { a: "b" },
          });
          const deleted = await api.request(
            "DELETE",
            `/api/v1/namespaces/${ns}`,
          );
          assertEquals(deleted.status, 200);
          assertEquals(
            (deleted.json.status as { phase: string }).phase,
            "Terminating",
          );
          await eventually("namespace gone", async () => {
            const { status } = await api.request(
              "GET",
              `/api/v1/namespaces/${ns}`,
            );
            return status === 404 ? true : undefined;
          });
        },
      );

      await t.step(
        "deleting an owner cascades to its dependents (garbage collector)",
        async () => {
          const owner = await api.request(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            {
              metadata: { name: "owner" },
            },
          );
          assertEquals(owner.status, 201);
          const uid = (owner.json.metadata as { uid: string }).uid;
          const dependent = await api.request(
            "POST",
            "/api/v1/namespaces/default/configmaps",
            {
              metadata: {
                name: "dependent",
                ownerReferences: [{
                  apiVersion: "v1",
                  kind: "ConfigMap",
                  name: "owner",
                  uid,
                }],
              },
            },
          );
          assertEquals(dependent.status, 201);
          assertEquals(
            (await api.request(
              "DELETE",
              "/api/v1/namespaces/default/configmaps/owner",
              {
                propagationPolicy: "Background",
              },
            )).status,
            200,
          );
          await eventually("dependent collected", async () => {
            const { status } = await api.request(
              "GET",
              "/api/v1/namespaces/default/configmaps/dependent",
            );
            return status === 404 ? true : undefined;
          });
        },
      );
      await t.step(
        "a deleted claim no pod uses goes: the PVC protection controller drops its finalizer",
        async () => {
          const path = "/api/v1/namespaces/default/persistentvolumeclaims";
          const created = await api.request("POST", path, {
            metadata: { name: "unused" },
            spec: {
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: "1Gi" } },
            },
          });
          assertEquals(created.status, 201);
          // Admission adds the finalizer; only the controller removes it.
          assertEquals(
            (created.json.metadata as { finalizers?: string[] }).finalizers,
            ["kubernetes.io/pvc-protection"],
          );
          assertEquals(
            (await api.request("DELETE", `${path}/unused`)).status,
            200,
          );
          await eventually("claim gone", async () => {
            const { status } = await api.request("GET", `${path}/unused`);
            return status === 404 ? true : undefined;
          });
        },
      );
    } finally {
      api.close();
      await kube.stop();
    }
  },
});
