/** The remote registry: one writer, readers told of connection changes. */
import "../../lib/preload.ts";
import { assertEquals } from "../assert.ts";
import type { ClusterClient } from "../../lib/kube/client.ts";
import { RemoteRegistry } from "../../controllers/remote-states.ts";

Deno.test("remote registry: a new readiness, a new client or a delete is a change; a repeat probe is not", () => {
  const registry = new RemoteRegistry();
  const changed: string[] = [];
  registry.changes.subscribe((name) => changed.push(name));
  const first = {} as ClusterClient;
  const rotated = {} as ClusterClient;
  assertEquals(registry.has("dr"), false, "not probed yet");
  registry.set("dr", { ready: false, reason: "Unreachable", message: "" });
  registry.set("dr", { ready: false, reason: "Unreachable", message: "x" });
  registry.set("dr", {
    ready: true,
    reason: "Connected",
    message: "",
    client: first,
  });
  registry.set("dr", {
    ready: true,
    reason: "Connected",
    message: "",
    client: first,
  });
  registry.set("dr", {
    ready: true,
    reason: "Connected",
    message: "",
    client: rotated,
  });
  assertEquals(registry.get("dr")?.client === rotated, true);
  registry.delete("dr");
  assertEquals(registry.has("dr"), false);
  assertEquals(changed, ["dr", "dr", "dr", "dr"]);
});
