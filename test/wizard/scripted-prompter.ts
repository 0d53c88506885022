import { Interrupted } from '../../src/errors.js';
import type { Choice, Prompter } from '../../src/ui/prompter.js';

/** Press Enter: take the default the prompt shows. */
export const ENTER = Symbol('enter');
/** Press Ctrl-C: what InquirerPrompter turns an ExitPromptError into. */
export const CTRL_C = Symbol('ctrl-c');
export type Answer = string | number | boolean | unknown[] | typeof ENTER | typeof CTRL_C | { pick: string };

export interface Asked { kind: string; message: string; default?: unknown; choices?: string[] }

/**
 * A Prompter that answers from a script, in order. A question whose message the next entry's pattern matches
 * takes that entry; any other gets Enter (`rest: 'enter'`, the default) or throws (`rest: 'fail'`).
 * Validation behaves like inquirer's: a rejected answer is recorded and the question is asked again.
 * `{ pick: 'label' }` selects a choice by its shown name.
 */
export class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  readonly asked: Asked[] = [];
  readonly rejected: Array<{ message: string; answer: unknown; reason: string }> = [];
  private readonly script: Array<{ pattern: RegExp; answer: Answer; used: boolean }>;

  constructor(script: Array<[RegExp | string, Answer]> = [], private readonly rest: 'enter' | 'fail' = 'enter') {
    this.script = script.map(([p, answer]) => ({ pattern: typeof p === 'string' ? new RegExp(p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i') : p, answer, used: false }));
  }

  /** Script entries never used (a test that scripts a question the wizard skipped should fail). */
  get unused(): string[] {
    return this.script.filter((s) => !s.used).map((s) => String(s.pattern));
  }

  messages(): string[] {
    return this.asked.map((a) => a.message);
  }

  private next(kind: string, message: string, extra: Omit<Asked, 'kind' | 'message'> = {}): Answer {
    this.asked.push({ kind, message, ...extra });
    const entry = this.script.find((s) => !s.used);
    if (entry?.pattern.test(message)) {
      entry.used = true;
      if (entry.answer === CTRL_C) throw new Interrupted('Cancelled: nothing was created.');
      return entry.answer;
    }
    if (this.rest === 'fail') throw new Error(`unexpected ${kind} question: "${message}"`);
    return ENTER;
  }

  /** Ask until the validator accepts (at most 10 times, so a broken default cannot loop forever). */
  private validated<T>(kind: string, message: string, extra: Omit<Asked, 'kind' | 'message'>, toValue: (a: Answer) => T, validate?: (v: T) => string | undefined): T {
    for (let i = 0; i < 10; i++) {
      const value = toValue(this.next(kind, message, extra));
      const reason = validate?.(value);
      if (reason === undefined) return value;
      this.rejected.push({ message, answer: value, reason });
    }
    throw new Error(`"${message}" was rejected 10 times: ${this.rejected.at(-1)?.reason ?? ''}`);
  }

  async confirm(q: { message: string; default?: boolean }): Promise<boolean> {
    const a = this.next('confirm', q.message, { default: q.default });
    return a === ENTER ? q.default ?? true : Boolean(a);
  }

  async input(q: { message: string; default?: string; validate?: (v: string) => string | undefined }): Promise<string> {
    return this.validated('input', q.message, { default: q.default }, (a) => (a === ENTER ? q.default ?? '' : String(a)), q.validate);
  }

  async password(q: { message: string; validate?: (v: string) => string | undefined }): Promise<string> {
    return this.validated('password', q.message, {}, (a) => (a === ENTER ? '' : String(a)), q.validate);
  }

  async select<T>(q: { message: string; choices: Array<Choice<T>>; default?: T }): Promise<T> {
    const a = this.next('select', q.message, { default: q.default, choices: q.choices.map((c) => c.name) });
    if (a === ENTER) return q.default !== undefined ? q.default : q.choices[0]!.value;
    if (typeof a === 'object' && a !== null && 'pick' in a) {
      const c = q.choices.find((x) => x.name.toLowerCase().includes(a.pick.toLowerCase()));
      if (!c) throw new Error(`no choice "${a.pick}" in "${q.message}": ${q.choices.map((x) => x.name).join(' | ')}`);
      return c.value;
    }
    const c = q.choices.find((x) => x.value === a);
    if (!c) throw new Error(`${String(a)} is not a choice of "${q.message}"`);
    return c.value;
  }

  async checkbox<T>(q: { message: string; choices: Array<Choice<T>>; validate?: (v: T[]) => string | undefined }): Promise<T[]> {
    return this.validated('checkbox', q.message, { choices: q.choices.map((c) => c.name), default: q.choices.filter((c) => c.checked).map((c) => c.value) },
      (a) => (a === ENTER ? q.choices.filter((c) => c.checked).map((c) => c.value) : (a as T[])), q.validate);
  }

  async number(q: { message: string; default?: number; min?: number; max?: number }): Promise<number> {
    const check = (v: number) => (Number.isNaN(v) ? 'not a number' : q.min !== undefined && v < q.min ? `at least ${q.min}` : q.max !== undefined && v > q.max ? `at most ${q.max}` : undefined);
    return this.validated('number', q.message, { default: q.default }, (a) => (a === ENTER ? q.default ?? NaN : Number(a)), check);
  }
}
