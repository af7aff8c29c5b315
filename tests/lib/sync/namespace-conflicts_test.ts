import "../../../lib/preload.ts";
import { assertEquals } from "../../assert.ts";
import {
  type DestinationConflict,
  detectDestinationConflicts,
  type MappingPairs,
} from "../../../lib/sync/namespace-mapping.ts";
import { losingClaims } from "../../../lib/sync/namespace-conflicts.ts";

const pair = (source: string, destination: string) => ({ source, destination });

const cases: {
  name: string;
  inputs: MappingPairs[];
  want: DestinationConflict[];
}[] = [
  { name: "no mappings, no conflicts", inputs: [], want: [] },
  {
    name: "source equal to destination is fine (other cluster)",
    inputs: [{
      mapping: "m",
      pairs: [pair("shop", "shop"), pair("blog", "blog")],
    }],
    want: [],
  },
  {
    name: "one source into two destinations is fine (fan-out)",
    inputs: [{
      mapping: "m",
      pairs: [pair("shop", "shop-a"), pair("shop", "shop-b")],
    }],
    want: [],
  },
  {
    name: "the same pair from two mappings is a harmless duplicate",
    inputs: [
      { mapping: "a", pairs: [pair("shop", "shop-dr")] },
      { mapping: "b", pairs: [pair("shop", "shop-dr")] },
    ],
    want: [],
  },
  {
    name: "two sources into one destination within one mapping",
    inputs: [{
      mapping: "sel",
      pairs: [pair("b", "dr"), pair("a", "dr"), pair("c", "c")],
    }],
    want: [{
      destination: "dr",
      sources: [{ source: "a", mapping: "sel" }, {
        source: "b",
        mapping: "sel",
      }],
      message:
        'destination namespace "dr" is claimed by "a" (mapping sel) and "b" (mapping sel)',
    }],
  },
  {
    name: "conflicts across mappings, sorted by destination",
    inputs: [
      { mapping: "two", pairs: [pair("blog", "shop"), pair("x", "z-dr")] },
      {
        mapping: "one",
        pairs: [pair("shop", "shop"), pair("y", "z-dr"), pair("shop", "shop")],
      },
    ],
    want: [
      {
        destination: "shop",
        sources: [{ source: "blog", mapping: "two" }, {
          source: "shop",
          mapping: "one",
        }],
        message:
          'destination namespace "shop" is claimed by "blog" (mapping two) and "shop" (mapping one)',
      },
      {
        destination: "z-dr",
        sources: [{ source: "x", mapping: "two" }, {
          source: "y",
          mapping: "one",
        }],
        message:
          'destination namespace "z-dr" is claimed by "x" (mapping two) and "y" (mapping one)',
      },
    ],
  },
  {
    name: "a duplicated pair next to a real conflict lists every mapping",
    inputs: [
      { mapping: "b", pairs: [pair("shop", "dr")] },
      { mapping: "a", pairs: [pair("shop", "dr"), pair("blog", "dr")] },
    ],
    want: [{
      destination: "dr",
      sources: [
        { source: "blog", mapping: "a" },
        { source: "shop", mapping: "a" },
        { source: "shop", mapping: "b" },
      ],
      message:
        'destination namespace "dr" is claimed by "blog" (mapping a) and "shop" (mapping a) and "shop" (mapping b)',
    }],
  },
];

for (const c of cases) {
  Deno.test(`detectDestinationConflicts: ${c.name}`, () => {
    assertEquals(detectDestinationConflicts(c.inputs), c.want);
  });
}

Deno.test("detectDestinationConflicts: input order does not change the result", () => {
  const inputs: MappingPairs[] = [
    { mapping: "a", pairs: [pair("x", "dr"), pair("y", "dr")] },
    { mapping: "b", pairs: [pair("z", "dr")] },
  ];
  const reversed = [...inputs].reverse().map((m) => ({
    ...m,
    pairs: [...m.pairs].reverse(),
  }));
  assertEquals(
    detectDestinationConflicts(reversed),
    detectDestinationConflicts(inputs),
  );
});

Deno.test("losingClaims: the earliest claimant keeps a destination; later ones with another source lose", () => {
  const claims = [
    {
      destination: "d",
      source: "b",
      rank: ["2026-01-02T00:00:00Z", "aa"],
      by: "aa",
    },
    {
      destination: "d",
      source: "a",
      rank: ["2026-01-01T00:00:00Z", "zz"],
      by: "zz",
    },
    {
      destination: "d",
      source: "a",
      rank: ["2026-01-03T00:00:00Z", "dup"],
      by: "dup",
    },
    {
      destination: "e",
      source: "c",
      rank: ["2026-01-05T00:00:00Z", "x"],
      by: "x",
    },
  ];
  const lost = losingClaims(claims);
  assertEquals(lost.map((l) => [l.claim.by, l.winner.by]), [["aa", "zz"]]);
  assertEquals(
    lost[0].message,
    'destination namespace "d" is already claimed by source "a" (zz); "b" (aa) writes nothing there',
  );
  assertEquals(losingClaims([...claims].reverse()).map((l) => l.claim.by), [
    "aa",
  ]);
});

Deno.test("losingClaims: same creation time, the name decides", () => {
  const t = "2026-01-01T00:00:00Z";
  const lost = losingClaims([
    { destination: "d", source: "y", rank: [t, "b"], by: "b" },
    { destination: "d", source: "x", rank: [t, "a"], by: "a" },
  ]);
  assertEquals(lost.map((l) => l.claim.by), ["b"]);
});
