/** The benchmark scenarios by name, in the order they run. */
import type { Figure } from "../stats.ts";
import { initialSync } from "./initial-sync.ts";
import { memory } from "./memory.ts";
import { propagation } from "./propagation.ts";
import { scale } from "./scale.ts";
import { startup } from "./startup.ts";
import { unmapped } from "./unmapped.ts";

/** What every scenario gets. */
export interface ScenarioOptions {
  /**
   * full: the sizes of issue 8; quick: the CI smoke run (checks the
   * harness, not the numbers); smoke: smaller still, for the test suite.
   */
  size: Size;
  /** Soak length in ms. */
  soakMs: number;
  /** Progress lines (stderr). */
  log(line: string): void;
}

export type Size = "smoke" | "quick" | "full";

/** The value for the run's size. */
export function bySize<T>(o: ScenarioOptions, v: Record<Size, T>): T {
  return v[o.size];
}

export type Scenario = (o: ScenarioOptions) => Promise<Figure[]>;

export const SCENARIOS: Record<string, Scenario> = {
  "initial-sync": initialSync,
  propagation,
  memory,
  unmapped,
  startup,
  scale,
};
