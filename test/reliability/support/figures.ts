/**
 * The figures the README's Reliability section quotes, counted by the tests themselves: each suite adds what it ran
 * and writes one JSON file under test-results/reliability/ when it ends; `npm run reliability` prints the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const FIGURES_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../test-results/reliability');

export interface SuiteFigures {
  suite: string;
  /** Scenarios run (a scenario may take several CLI runs). */
  cases: number;
  /** Faults injected that the run survived: kills, interrupts, throttled calls, lost answers, refused inputs. */
  faults: number;
  /** CLI runs made (in-process or as a process). */
  runs: number;
  /** AWS resources left in the fake at the end of the scenarios that end in destroy. */
  resourcesLeft: number;
  /** One line worth quoting besides the counts. */
  note?: string;
}

/** Counters for one suite, written when the file's tests end. */
export function suiteFigures(suite: string): SuiteFigures {
  const f: SuiteFigures = { suite, cases: 0, faults: 0, runs: 0, resourcesLeft: 0 };
  afterAll(() => {
    mkdirSync(FIGURES_DIR, { recursive: true });
    writeFileSync(join(FIGURES_DIR, `${suite}.json`), JSON.stringify(f, null, 2) + '\n');
  });
  return f;
}
