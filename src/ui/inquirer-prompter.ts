import { checkbox, confirm, input, number, password, select } from '@inquirer/prompts';
import { Interrupted } from '../errors.js';
import type { Choice, Prompter } from './prompter.js';

type Ctx = { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream; signal?: AbortSignal };

const wrap = (v: (s: string) => string | undefined) => (s: string): string | true => v(s) ?? true;

/** Ctrl-C in a prompt is a soft cancel, not a crash. */
async function ask<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ExitPromptError' || name === 'AbortPromptError') throw new Interrupted('Cancelled: nothing was created.');
    throw err;
  }
}

/** @inquirer/prompts behind the Prompter interface. */
export class InquirerPrompter implements Prompter {
  readonly interactive = true;
  constructor(private readonly ctx: Ctx = {}) {}
  confirm(q: { message: string; default?: boolean }) { return ask(confirm(q, this.ctx)); }
  input(q: { message: string; default?: string; validate?: (v: string) => string | undefined }) {
    return ask(input({ message: q.message, ...(q.default !== undefined ? { default: q.default } : {}), ...(q.validate ? { validate: wrap(q.validate) } : {}) }, this.ctx));
  }
  password(q: { message: string; validate?: (v: string) => string | undefined }) {
    return ask(password({ message: q.message, mask: '*', ...(q.validate ? { validate: wrap(q.validate) } : {}) }, this.ctx));
  }
  select<T>(q: { message: string; choices: Array<Choice<T>>; default?: T }) {
    return ask(select<T>({ message: q.message, choices: q.choices.map((c) => ({ name: c.name, value: c.value, ...(c.description ? { description: c.description } : {}) })), ...(q.default !== undefined ? { default: q.default } : {}) }, this.ctx));
  }
  checkbox<T>(q: { message: string; choices: Array<Choice<T>>; validate?: (v: T[]) => string | undefined }) {
    const validate = q.validate;
    return ask(checkbox<T>({
      message: q.message,
      choices: q.choices.map((c) => ({ name: c.name, value: c.value, checked: c.checked ?? false })),
      ...(validate ? { validate: (items: ReadonlyArray<{ value: T }>) => validate(items.map((i) => i.value)) ?? true } : {}),
    }, this.ctx));
  }
  async number(q: { message: string; default?: number; min?: number; max?: number }) {
    const v = await ask(number({ message: q.message, required: true, ...(q.default !== undefined ? { default: q.default } : {}), ...(q.min !== undefined ? { min: q.min } : {}), ...(q.max !== undefined ? { max: q.max } : {}) }, this.ctx));
    return v ?? q.default ?? 0;
  }
}
