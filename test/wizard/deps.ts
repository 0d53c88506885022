import { resolveConfig } from '../../src/config/resolve.js';
import type { StackConfig, StackConfigInput } from '../../src/config/schema.js';
import { Draft } from '../../src/wizard/draft.js';
import { WizardSession } from '../../src/wizard/session.js';
import type { Style, WizardDeps } from '../../src/wizard/types.js';
import { ScriptedPrompter, type Answer } from './scripted-prompter.js';

/** The random part of the default domain prefix, fixed so a wizard run and `--yes` can be compared. */
export const SUFFIX = 'abc123';
const plain = (s: string): string => s;
export const PLAIN: Style = { bold: plain, dim: plain, cyan: plain, green: plain, yellow: plain };

/** `init --yes`'s resolution, with the fixed suffix. */
export const resolveFixed = (input: StackConfigInput): StackConfig => resolveConfig(input, { defaultRegion: 'us-east-1', suffix: () => SUFFIX });

export interface TestWizard {
  deps: WizardDeps;
  prompter: ScriptedPrompter;
  said: string[];
  /** What the wizard printed. */
  text: () => string;
  /** The same with wrapping undone (every run of whitespace one space), for `toContain`. */
  flat: () => string;
}

export function testDeps(script: Array<[RegExp | string, Answer]> = [], over: Partial<WizardDeps> = {}, rest: 'enter' | 'fail' = 'enter'): TestWizard {
  const prompter = new ScriptedPrompter(script, rest);
  const said: string[] = [];
  const deps: WizardDeps = {
    prompter, say: (t) => { said.push(t); }, style: PLAIN, columns: 100, resolve: resolveFixed, defaultRegion: 'us-east-1',
    env: {}, suffix: () => SUFFIX, ...over,
  };
  return { deps, prompter, said, text: () => said.join('\n'), flat: () => said.join('\n').replace(/\s+/g, ' ') };
}

/** A session over known answers, as a step sees it. */
export function session(t: TestWizard, known: StackConfigInput = {}, account?: string): WizardSession {
  const s = new WizardSession(t.deps, new Draft(known));
  s.account = account;
  return s;
}
