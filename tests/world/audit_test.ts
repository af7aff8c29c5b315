// The real world's request counters: audit lines → the same records kube-sim counts.
import { assertEquals } from "../assert.ts";
import { AuditCounters, auditRecord } from "./audit.ts";

function line(e: Record<string, unknown>): string {
  return JSON.stringify({
    kind: "Event",
    level: "Metadata",
    stage: "ResponseComplete",
    verb: "create",
    user: { username: "system:serviceaccount:dr-syncer-system:dr-syncer" },
    userAgent: "Deno/2.9.6",
    objectRef: {
      resource: "configmaps",
      namespace: "shop-dr",
      apiVersion: "v1",
    },
    responseStatus: { code: 201 },
    requestReceivedTimestamp: "2026-12-04T17:00:00.123456Z",
    ...e,
  });
}

Deno.test("audit: a served request becomes one record with group, subresource and code", () => {
  assertEquals(
    auditRecord(line({
      verb: "patch",
      objectRef: {
        resource: "namespacereplications",
        subresource: "status",
        apiGroup: "drsyncer.io",
      },
      responseStatus: { code: 200 },
    })),
    {
      verb: "patch",
      group: "drsyncer.io",
      resource: "namespacereplications/status",
      user: "system:serviceaccount:dr-syncer-system:dr-syncer",
      code: 200,
      at: Date.parse("2026-12-04T17:00:00.123Z"),
    },
  );
});

Deno.test("audit: the control plane's own requests, non-resource URLs and a cut line are not counted", () => {
  const kcm = "kube-controller-manager/v1.37.2 (linux/amd64) kubernetes/abc";
  assertEquals(auditRecord(line({ userAgent: kcm })), undefined);
  assertEquals(auditRecord(line({ objectRef: undefined })), undefined);
  assertEquals(auditRecord(line({}).slice(0, 40)), undefined);
});

Deno.test("audit: a watch counts once, when it starts (or when refused)", () => {
  const watch = { verb: "watch", responseStatus: { code: 200 } };
  assertEquals(
    auditRecord(line({ ...watch, stage: "ResponseStarted" }))?.verb,
    "watch",
  );
  assertEquals(
    auditRecord(line({ ...watch, stage: "ResponseComplete" })),
    undefined,
  );
  assertEquals(
    auditRecord(line({ verb: "watch", responseStatus: { code: 403 } }))?.code,
    403,
  );
});

Deno.test("audit: counters total, filter and reset over an appended log", async () => {
  const path = await Deno.makeTempFile();
  try {
    const now = () => new Date().toISOString();
    const c = new AuditCounters(path);
    await Deno.writeTextFile(
      path,
      [
        line({ requestReceivedTimestamp: now() }),
        line({ verb: "get", requestReceivedTimestamp: now() }),
      ].join("\n") + "\n",
    );
    assertEquals(c.total(), 2);
    assertEquals(c.total({ verbs: ["create", "update"] }), 1);
    assertEquals(c.get("get", "configmaps"), 1);
    assertEquals(c.snapshot(), { "create configmaps": 1, "get configmaps": 1 });
    c.reset();
    assertEquals(c.total(), 0);
    await new Promise((r) => setTimeout(r, 5));
    await Deno.writeTextFile(
      path,
      line({ verb: "delete", requestReceivedTimestamp: now() }) + "\n",
      { append: true },
    );
    assertEquals(c.snapshot(), { "delete configmaps": 1 });
  } finally {
    await Deno.remove(path);
  }
});
