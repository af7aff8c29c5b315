/**
 * Summarises V8 heap snapshots (from BENCH_HEAP_SNAPSHOT=DIR): self size
 * and count by node type and constructor, and with two snapshots the
 * difference, divided by `--per N` (e.g. the replicated objects added
 * between them). Strings are grouped by their first characters, so a
 * repeated value (a key, a timestamp, a resourceVersion) shows as one row.
 *
 *   deno run -A tests/bench/heap-summary.ts A.heapsnapshot [B.heapsnapshot] [--per N] [--top K]
 */
import { parseArgs } from "node:util";

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[], ...unknown[]] };
  };
  nodes: number[];
  strings: string[];
}

interface Row {
  bytes: number;
  count: number;
}

const STRING_TYPES = new Set([
  "string",
  "concatenated string",
  "sliced string",
]);
const STRING_PREFIX = 24;

/** Self bytes and counts by group; strings also by their first characters. */
export function groups(s: Snapshot): Map<string, Row> {
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ["type", "name", "self_size"].map((f) =>
    fields.indexOf(f)
  );
  const out = new Map<string, Row>();
  const add = (key: string, bytes: number) => {
    const row = out.get(key) ?? { bytes: 0, count: 0 };
    row.bytes += bytes;
    row.count++;
    out.set(key, row);
  };
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + iType]];
    const name = s.strings[s.nodes[i + iName]];
    const bytes = s.nodes[i + iSize];
    if (STRING_TYPES.has(type)) {
      add(`(strings)`, bytes);
      add(
        `string "${name.slice(0, STRING_PREFIX).replace(/\s+/g, " ")}"`,
        bytes,
      );
    } else add(`${type} ${name.slice(0, 60)}`, bytes);
  }
  return out;
}

async function load(file: string): Promise<Map<string, Row>> {
  return groups(JSON.parse(await Deno.readTextFile(file)));
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { per: { type: "string" }, top: { type: "string" } },
  });
  const per = Number(values.per ?? 1);
  const top = Number(values.top ?? 30);
  const [a, b] = await Promise.all(positionals.map(load));
  const keys = new Set([...a.keys(), ...(b?.keys() ?? [])]);
  const rows = [...keys].map((key) => {
    const x = a.get(key) ?? { bytes: 0, count: 0 };
    const y = b?.get(key) ?? { bytes: 0, count: 0 };
    return b
      ? { key, bytes: y.bytes - x.bytes, count: y.count - x.count }
      : { key, ...x };
  });
  const total = (m: Map<string, Row>) =>
    [...m].filter(([k]) => !k.startsWith("string ")).reduce(
      (n, [, r]) => n + r.bytes,
      0,
    );
  const sum = b ? total(b) - total(a) : total(a);
  console.log(`total ${(sum / per).toFixed(1)} B${per > 1 ? " per unit" : ""}`);
  rows.sort((x, y) => Math.abs(y.bytes) - Math.abs(x.bytes));
  for (const r of rows.slice(0, top)) {
    console.log(
      `${(r.bytes / per).toFixed(1).padStart(10)} B ${
        (r.count / per).toFixed(2).padStart(8)
      } ×  ${r.key}`,
    );
  }
}
