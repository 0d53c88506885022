import type { z } from 'zod';
import type { Choice } from '../ui/prompter.js';
import { Draft } from './draft.js';
import { givenLine, noteLine, stepHeading, warnLine } from './text.js';
import type { WizardDeps } from './types.js';

/** A zod schema as a prompt validator: the first issue's message, or undefined. */
export function checkWith(schema: z.ZodType): (v: unknown) => string | undefined {
  return (v) => {
    const r = schema.safeParse(v);
    return r.success ? undefined : r.error.issues[0]?.message ?? 'not valid';
  };
}

const show = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));

/**
 * One wizard run: the answers so far and the ways to ask. Each `ask*` helper looks the key up first and,
 * when flags or --config answered it, shows the answer instead of asking.
 */
export class WizardSession {
  readonly draft: Draft;
  /** Set by the banner when credentials work; AWS look-ups are made only then. */
  account: string | undefined;
  /** Set by the banner when the lookup said there are no credentials: the plan cannot be shown. */
  noCredentials = false;
  /** "Change this stack": the recorded answers, offered as every question's default (Enter keeps them). */
  recorded: Draft | undefined;

  constructor(readonly deps: WizardDeps, known: Draft) {
    this.draft = known;
  }

  get width(): number {
    return Math.max(30, (this.deps.columns ?? 80) - 1);
  }

  get style() {
    return this.deps.style;
  }

  get prompter() {
    return this.deps.prompter;
  }

  /** AWS look-ups, only when the banner found working credentials. */
  get lookups() {
    return this.account ? this.deps.lookups : undefined;
  }

  heading(n: number, title: string, lead: string): void {
    this.deps.say(stepHeading(n, title, lead, this.style, this.width));
  }

  note(text: string): void {
    this.deps.say(noteLine(text, this.style, this.width));
  }

  warn(text: string): void {
    this.deps.say(warnLine(text, this.style, this.width));
  }

  /** Returns true (and shows it) when the key is already answered. */
  given(key: string, label: string, display?: (v: unknown) => string): boolean {
    if (!this.draft.has(key)) return false;
    this.deps.say(givenLine(label, (display ?? show)(this.draft.get(key)), this.style));
    return true;
  }

  /**
   * A group of questions (routes, password policy…) when changing a recorded stack: "keep it?" with Yes as the
   * default; kept, it counts as given. Otherwise like `given`.
   */
  async givenOrKept(key: string, label: string, display?: (v: unknown) => string): Promise<boolean> {
    if (this.given(key, label, display)) return true;
    if (!this.recorded?.has(key)) return false;
    const value = this.recorded.get(key);
    if (!await this.prompter.confirm({ message: `${label}: ${(display ?? show)(value)}. Keep it?`, default: true })) return false;
    this.draft.set(key, structuredClone(value));
    return true;
  }

  /** The recorded answer when changing a stack, else the usual default. */
  recordedOr<T>(key: string, fallback: T): T {
    return this.recorded?.has(key) ? this.recorded.get(key) as T : fallback;
  }

  /** The recorded answer when it is still one of the choices (an API, a pool, a stage the account still has), else `fallback`. */
  recordedAmong<T>(key: string, choices: readonly T[], fallback: T): T {
    const r = this.recordedOr<T | undefined>(key, undefined);
    return r !== undefined && choices.includes(r) ? r : fallback;
  }

  /**
   * An answer that means "the default" (Cognito's password policy, no identity providers, an emptied text). A new
   * stack leaves the key out; changing a recorded stack, the answers go over the recorded configuration, so it must
   * be said, or the recorded value would stay.
   */
  answerDefault(key: string, value: unknown): void {
    if (this.recorded) this.draft.set(key, value);
  }

  async askText(key: string, message: string, o: { default?: string; validate?: (v: string) => string | undefined; optional?: boolean } = {}): Promise<string> {
    if (this.given(key, message)) return String(this.draft.get(key));
    const def = this.recordedOr<string | undefined>(key, o.default);
    const v = (await this.prompter.input({ message, ...(def !== undefined ? { default: String(def) } : {}), ...(o.validate ? { validate: o.validate } : {}) })).trim();
    if (v === '' && o.optional) this.answerDefault(key, v);
    else this.draft.set(key, v);
    return v;
  }

  async askSelect<T>(key: string, message: string, choices: Array<Choice<T>>, def: T): Promise<T> {
    if (this.given(key, message, (v) => choices.find((c) => c.value === v)?.name ?? show(v))) return this.draft.get(key) as T;
    const v = await this.prompter.select<T>({ message, choices, default: this.recordedOr(key, def) });
    this.draft.set(key, v);
    return v;
  }

  async askCheckbox<T>(key: string, message: string, choices: Array<Choice<T>>, validate?: (v: T[]) => string | undefined): Promise<T[]> {
    if (this.given(key, message)) return this.draft.get(key) as T[];
    const kept = this.recorded?.get(key);
    const marked = Array.isArray(kept) ? choices.map((c) => ({ ...c, checked: kept.includes(c.value) })) : choices;
    const v = await this.prompter.checkbox<T>({ message, choices: marked, ...(validate ? { validate } : {}) });
    this.draft.set(key, v);
    return v;
  }

  async askConfirm(key: string, message: string, def: boolean): Promise<boolean> {
    if (this.given(key, message, (v) => (v ? 'yes' : 'no'))) return this.draft.get(key) === true;
    const v = await this.prompter.confirm({ message, default: this.recordedOr(key, def) });
    this.draft.set(key, v);
    return v;
  }

  async askNumber(key: string, message: string, o: { default: number; min: number; max: number }): Promise<number> {
    if (this.given(key, message)) return Number(this.draft.get(key));
    const v = await this.prompter.number({ message, default: this.recordedOr(key, o.default), min: o.min, max: o.max });
    this.draft.set(key, v);
    return v;
  }
}
