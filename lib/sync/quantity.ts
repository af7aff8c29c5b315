/**
 * Resource quantities ("10Gi", "500M", "250m") as numbers, precise enough to
 * tell a PVC grow from a shrink; not a full resource.Quantity.
 */

const BINARY_SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL_SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Value of a quantity ("10Gi", "500M", "1e3"); NaN when unparsable. */
export function quantityValue(q: unknown): number {
  if (typeof q === "number") return q;
  if (typeof q !== "string") return NaN;
  const m = /^([+-]?\d*\.?\d+(?:[eE][+-]?\d+)?)([KMGTPE]i|[mkMGTPE]?)$/.exec(
    q,
  );
  if (!m) return NaN;
  return Number(m[1]) * (BINARY_SUFFIX[m[2]] ?? DECIMAL_SUFFIX[m[2]]);
}
