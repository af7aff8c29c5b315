import "../../lib/preload.ts";
import type * as k8s from "@kubernetes/client-node";
import { assert, assertEquals } from "../assert.ts";
import { clientsFor, eventually, expectStatus, simTest } from "./harness.ts";
import { SA_TOKEN_TYPE } from "./satokens.ts";

const NS = "tok";
const NAME = "kubernetes.io/service-account.name";
const UID = "kubernetes.io/service-account.uid";

function tokenSecret(name: string, sa?: string): k8s.V1Secret {
  return {
    metadata: { name, annotations: sa ? { [NAME]: sa } : undefined },
    type: SA_TOKEN_TYPE,
  };
}

simTest(
  "token controller: a ServiceAccount token Secret gets token, ca.crt, namespace and the account's uid; the token is that account",
  async ({ core, cluster }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const sa = await core.createNamespacedServiceAccount({
      namespace: NS,
      body: { metadata: { name: "bot" } },
    });
    await core.createNamespacedSecret({
      namespace: NS,
      body: tokenSecret("bot-token", "bot"),
    });
    let secret: k8s.V1Secret = {};
    await eventually(
      async () => {
        secret = await core.readNamespacedSecret({
          namespace: NS,
          name: "bot-token",
        });
        return Boolean(secret.data?.token);
      },
      undefined,
      "bot-token filled",
    );
    assertEquals(secret.metadata!.annotations, {
      [NAME]: "bot",
      [UID]: sa.metadata!.uid!,
    });
    assertEquals(Object.keys(secret.data!).sort(), [
      "ca.crt",
      "namespace",
      "token",
    ]);
    assertEquals(atob(secret.data!["ca.crt"]), cluster.caPem);
    assertEquals(atob(secret.data!.namespace), NS);

    const token = atob(secret.data!.token);
    const asBot = clientsFor(cluster, token).core;
    const denied = await expectStatus(() =>
      asBot.listNamespacedPod({ namespace: NS })
    );
    assertEquals(
      denied.message,
      `pods is forbidden: User "system:serviceaccount:${NS}:bot" cannot list resource "pods" in API group "" in the namespace "${NS}"`,
    );
    const used = await core.readNamespacedSecret({
      namespace: NS,
      name: "bot-token",
    });
    assertEquals(
      used.metadata!.labels?.["kubernetes.io/legacy-token-last-used"],
      new Date().toISOString().slice(0, 10),
    );

    await core.deleteNamespacedSecret({ namespace: NS, name: "bot-token" });
    const revoked = await expectStatus(() =>
      asBot.listNamespacedPod({ namespace: NS })
    );
    assertEquals(revoked.code, 401);
  },
);

simTest(
  "token controller: token Secrets of a missing or deleted ServiceAccount are deleted; the name annotation is required",
  async ({ core }) => {
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const unnamed = await expectStatus(() =>
      core.createNamespacedSecret({ namespace: NS, body: tokenSecret("x") })
    );
    assertEquals(
      unnamed.message,
      `Secret "x" is invalid: metadata.annotations[${NAME}]: Required value`,
    );
    const gone = (name: string) => async () => {
      try {
        await core.readNamespacedSecret({ namespace: NS, name });
        return false;
      } catch {
        return true;
      }
    };
    await core.createNamespacedSecret({
      namespace: NS,
      body: tokenSecret("ghost-token", "ghost"),
    });
    await eventually(gone("ghost-token"), undefined, "ghost-token deleted");

    await core.createNamespacedServiceAccount({
      namespace: NS,
      body: { metadata: { name: "bot" } },
    });
    await core.createNamespacedSecret({
      namespace: NS,
      body: tokenSecret("bot-token", "bot"),
    });
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: "plain" }, stringData: { k: "v" } },
    });
    await eventually(
      async () =>
        Boolean(
          (await core.readNamespacedSecret({
            namespace: NS,
            name: "bot-token",
          }))
            .data?.token,
        ),
      undefined,
      "bot-token filled",
    );
    await core.deleteNamespacedServiceAccount({ namespace: NS, name: "bot" });
    await eventually(gone("bot-token"), undefined, "bot-token deleted");
    const left = await core.listNamespacedSecret({ namespace: NS });
    assert(left.items.some((s) => s.metadata!.name === "plain"));
  },
);
