/**
 * Differences between kube-sim and kube-apiserver v1.37.2 that are known and kept (mirrored in
 * tests/sim/README.md, "Known differences"). Each pin asserts the difference itself and then
 * that everything else in the case is equal, so a simulator fix makes the pin fail and this
 * list gets updated.
 */
import { assert, assertEquals } from "../assert.ts";

// deno-lint-ignore no-explicit-any
type Seen = any;

export interface KnownDifference {
  why: string;
  pin(sim: Seen, real: Seen): void;
}

/** Files of tests/crds/bad that only CEL rules, patterns or formats refuse (kube-sim has none). */
export const BAD_SAMPLES_ONLY_REAL_REFUSES = [
  "nm-bad-namespace-name.yaml",
  "nm-both-source-and-selector.yaml",
  "nm-destination-with-selector.yaml",
  "nm-neither.yaml",
  "nm-template-with-source.yaml",
  "nm-template-without-name.yaml",
  "nr-bad-cron.yaml",
  "nr-bad-data-schedule.yaml",
  "nr-bad-resource-type.yaml",
  "nr-duplicate-mapping.yaml",
  "nr-no-mappings.yaml",
  "nr-scheduled-without-schedule.yaml",
  "nr-star-excluded.yaml",
  "rc-bad-duration.yaml",
  "rc-zero-qps.yaml",
];

function without(o: Record<string, unknown>, ...keys: string[]) {
  const copy = { ...o };
  for (const k of keys) delete copy[k];
  return copy;
}

/** Keyed by case name (cases.ts). */
export const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {
  "list: limit/continue pages, label selectors, field selectors": {
    why:
      "400 messages for an unsupported field selector and a malformed continue token are worded differently",
    pin(sim, real) {
      assertEquals(
        sim.badField.body.message,
        "field label not supported: data.k",
      );
      assert(
        real.badField.body.message.startsWith(
          '"data.k" is not a known field selector',
        ),
      );
      assertEquals(
        sim.badLimitToken.body.message,
        "continue key is not valid: illegal base64 data",
      );
      assert(
        real.badLimitToken.body.message.startsWith("invalid continue token"),
      );
      assertEquals([sim.badField.status, sim.badLimitToken.status], [400, 400]);
      assertEquals(
        without(sim, "badField", "badLimitToken"),
        without(real, "badField", "badLimitToken"),
      );
    },
  },
  "server-side apply: create with application/apply-patch+yaml": {
    why: "kube-sim has no server-side apply: 415 UnsupportedMediaType",
    pin(sim, real) {
      assertEquals(sim, { status: 415, reason: "UnsupportedMediaType" });
      assertEquals(real.status, 201);
    },
  },
  "deletion: propagationPolicy Background, Foreground, Orphan on owned ConfigMaps":
    {
      why:
        "a Foreground delete of an owner whose dependents go at once answers without the foregroundDeletion finalizer (kube-sim's GC is synchronous)",
      pin(sim, real) {
        assertEquals(sim.Foreground.foregroundFinalizer, false);
        assertEquals(real.Foreground.foregroundFinalizer, true);
        assertEquals(
          without(sim.Foreground, "foregroundFinalizer"),
          without(real.Foreground, "foregroundFinalizer"),
        );
        assertEquals(without(sim, "Foreground"), without(real, "Foreground"));
      },
    },
  "our CRDs: bad samples (tests/crds/bad) refused": {
    why:
      "kube-sim has no CEL rules, patterns or formats: those bad samples are accepted",
    pin(sim, real) {
      for (const file of BAD_SAMPLES_ONLY_REAL_REFUSES) {
        assertEquals([file, sim[file], real[file]], [file, 201, 422]);
      }
      assertEquals(
        without(sim, ...BAD_SAMPLES_ONLY_REAL_REFUSES),
        without(real, ...BAD_SAMPLES_ONLY_REAL_REFUSES),
      );
    },
  },
  "kubectl create -f of a kind: List": {
    why:
      "kube-sim serves no /openapi/v2, which kubectl's validation of a kind: List needs",
    pin(sim, real) {
      assertEquals(sim.success, false);
      assert(
        sim.stderr.includes("the server could not find the requested resource"),
      );
      assertEquals(real.success, true);
    },
  },
  "kubectl explain of a built-in type": {
    why:
      "kube-sim publishes OpenAPI schemas for custom resources only (the built-in ones are megabytes), so kubectl explain of a built-in type fails",
    pin(sim, real) {
      assertEquals(sim.success, false);
      assertEquals(
        sim.stderr,
        "error: GVK map[group: kind:ConfigMap version:v1] not found in OpenAPI schema",
      );
      assertEquals(real.success, true);
      assert(real.stdout.includes("FIELD: data <map[string]string>"));
    },
  },
};
