import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import { apiVersionOf, groupResource } from "../../../lib/sync/types.ts";

Deno.test("groupResource names core and grouped types", () => {
  assertEquals(
    groupResource({ group: "", resource: "configmaps" }),
    "configmaps",
  );
  assertEquals(
    groupResource({ group: "apps", resource: "deployments" }),
    "deployments.apps",
  );
  assertEquals(apiVersionOf({ group: "apps", version: "v1" }), "apps/v1");
  assertEquals(apiVersionOf({ group: "", version: "v1" }), "v1");
});
