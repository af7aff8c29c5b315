/** The benchmark scenarios by name, in the order they run. */
import type { Figure } from "../stats.ts";
import { initialSync } from "./initial-sync.ts";
import { memory } from "./memory.ts";
import { propagation } from "./propagation.ts";
import { startup } from "./startup.ts";

/** What every scenario gets. */
export interface ScenarioOptions {
  /** Small sizes: checks the harness, not the numbers. */
  quick: boolean;
  /** Soak length in ms. */
  soakMs: number;
  /** Progress lines (stderr). */
  log(line: string): void;
}

export type Scenario = (o: ScenarioOptions) => Promise<Figure[]>;

export const SCENARIOS: Record<string, Scenario> = {
  "initial-sync": initialSync,
  propagation,
  memory,
  startup,
};
