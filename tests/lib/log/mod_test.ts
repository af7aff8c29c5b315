import "../../../lib/preload.ts";
import { assert, assertEquals, assertMatch } from "../../assert.ts";
import {
  configureLogging,
  type LogFormat,
  logger,
  type LoggingOptions,
  resetLogging,
} from "../../../lib/log/mod.ts";

/** Configures logging into a buffer and returns the buffer. */
function capture(opts: Partial<LoggingOptions> = {}): string[] {
  const lines: string[] = [];
  configureLogging({
    format: "json",
    level: "trace",
    write: (l) => lines.push(l),
    ...opts,
  });
  return lines;
}

const JWT =
  "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNlY3JldA";
const KUBECONFIG = `apiVersion: v1
clusters:
- cluster: {server: "https://dr.example.com:6443"}
  name: dr
users:
- name: admin
  user:
    token: kc-token-0f1e2d
    client-key-data: LS0tLS1CRUdJTi1LRVktZGF0YQ==
`;
const aSecret = (name: string) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: "shop" },
  type: "Opaque",
  data: { "db-password": "aHVudGVyMi1iYXNlNjQ=" },
  stringData: { url: "postgres://app:pl41n-p4ss@db" },
});

/** Values that must never appear in any output line. */
const NEVER = [
  "s3cr3t-t0ken",
  "hunter2-pw",
  "kc-token-0f1e2d",
  "LS0tLS1CRUdJTi1LRVktZGF0YQ==",
  "opaque-bearer-value",
  JWT,
  "eyJzdWIiOiJzeXN0ZW06c2EifQ",
  "aHVudGVyMi1iYXNlNjQ=",
  "pl41n-p4ss",
  "basic-dXNlcjpwYXNz",
];

function logEverySecret(): void {
  const log = logger("remote");
  log.info("connecting", { token: "s3cr3t-t0ken", cluster: "dr-east" });
  log.info("login", { auth: { user: "admin", password: "hunter2-pw" } });
  log.warn("bad kubeconfig", { kubeconfig: KUBECONFIG, secretName: "kc" });
  log.error("request failed: {detail}", {
    detail: `401 from server, sent Authorization: Bearer opaque-bearer-value`,
  });
  log.error("probe failed", { error: new Error(`parse ${KUBECONFIG}`) });
  log.debug("headers", {
    headers: { Authorization: `Bearer ${JWT}`, Accept: "application/json" },
  });
  log.debug("proxy said Basic basic-dXNlcjpwYXNz and {jwt}", { jwt: JWT });
  log.info("copying {obj}", { obj: aSecret("db") });
  log.info("listed", { items: [aSecret("db2")], kind: "Secret" });
}

for (const format of ["json", "pretty"] as LogFormat[]) {
  Deno.test(`log (${format}): credentials and Secret data never appear`, () => {
    const lines = capture({ format });
    logEverySecret();
    resetLogging();
    assertEquals(lines.length, 9);
    const text = lines.join("\n");
    for (const secret of NEVER) {
      assert(!text.includes(secret), `${secret} leaked:\n${text}`);
    }
    // What is not secret survives, so the lines are still useful.
    for (
      const kept of [
        "dr-east",
        "admin",
        "db-password",
        "db2",
        "dr.example.com",
        "401 from server",
        "application/json",
      ]
    ) {
      assert(text.includes(kept), `${kept} missing:\n${text}`);
    } // deno-fmt-ignore
    assertMatch(text, /\[REDACTED\]/);
  });
}

Deno.test("log: ConfigMap data is not mistaken for Secret data", () => {
  const lines = capture();
  logger("sync").info("copy", {
    object: { kind: "ConfigMap", data: { mode: "fast-lane" } },
  });
  resetLogging();
  assertMatch(lines[0], /fast-lane/);
});

Deno.test("log (json): one object per line with timestamp, level, component, fields", () => {
  const lines = capture({ level: "info" });
  logger("replication").info("synced {namespace}", {
    namespace: "shop",
    replication: "shop-to-dr",
    objects: 12,
  });
  logger("manager").warn("failed", { error: new Error("boom") });
  resetLogging();
  assertEquals(lines.length, 2);
  const rec = JSON.parse(lines[0]);
  assertEquals(Object.keys(rec).slice(0, 4), [
    "timestamp",
    "level",
    "component",
    "message",
  ]);
  assertEquals(
    [rec.level, rec.component, rec.replication, rec.namespace, rec.objects],
    ["info", "replication", "shop-to-dr", "shop", 12],
  );
  assertMatch(rec.timestamp, /^\d{4}-\d\d-\d\dT.*Z$/);
  assertEquals(rec.message, "synced shop");
  assertEquals(JSON.parse(lines[1]).error, "Error: boom");
});

Deno.test("log (pretty): time, level tag, component, message, extras", () => {
  const lines = capture({ format: "pretty" });
  logger("replication").warn("slow sync of {ns}", {
    ns: "shop",
    ms: 1500,
    note: "two words",
    ref: { name: "east" },
  });
  resetLogging();
  assertEquals(
    lines[0].slice(13),
    'WRN replication: slow sync of shop ms=1500 note="two words" ref={"name":"east"}',
  );
  assertMatch(lines[0], /^\d\d:\d\d:\d\d\.\d{3} /);
});

const levelCases = [
  { level: "trace", want: ["t", "d", "i", "w", "e", "f"] },
  { level: "info", want: ["i", "w", "e", "f"] },
  { level: "warning", want: ["w", "e", "f"] },
  { level: "fatal", want: ["f"] },
] as const;

for (const c of levelCases) {
  Deno.test(`log: level ${c.level} keeps ${c.want.join("")}`, () => {
    const lines = capture({ level: c.level });
    const log = logger("x");
    log.trace("t"), log.debug("d"), log.info("i");
    log.warn("w"), log.error("e"), log.fatal("f");
    resetLogging();
    assertEquals(lines.map((l) => JSON.parse(l).message), [...c.want]);
  });
}

Deno.test("log: configuring again replaces the previous setup", () => {
  const first = capture();
  const second = capture();
  logger("x").info("once");
  resetLogging();
  assertEquals([first.length, second.length], [0, 1]);
});

Deno.test("log: categories outside drsyncer are not logged", async () => {
  const lines = capture();
  const { getLogger } = await import("@logtape/logtape");
  getLogger(["other"]).error("ignored");
  resetLogging();
  assertEquals(lines, []);
});

Deno.test("log: default output is console.error (stderr)", () => {
  const original = console.error;
  const seen: unknown[] = [];
  console.error = (...args: unknown[]) => seen.push(...args);
  try {
    configureLogging({ format: "json", level: "info" });
    logger("x").info("to stderr");
    resetLogging();
  } finally {
    console.error = original;
  }
  assertEquals(seen.length, 1);
  assertMatch(String(seen[0]), /"message":"to stderr"/);
});
