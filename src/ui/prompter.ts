import { UsageError } from '../errors.js';

export interface Choice<T> { name: string; value: T; description?: string | undefined; checked?: boolean | undefined }

/** The only way core code asks anything. The wizard and confirmations go through it; tests script it. */
export interface Prompter {
  readonly interactive: boolean;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  input(q: { message: string; default?: string; validate?: (v: string) => string | undefined }): Promise<string>;
  password(q: { message: string; validate?: (v: string) => string | undefined }): Promise<string>;
  select<T>(q: { message: string; choices: Array<Choice<T>>; default?: T }): Promise<T>;
  checkbox<T>(q: { message: string; choices: Array<Choice<T>>; validate?: (v: T[]) => string | undefined }): Promise<T[]>;
  number(q: { message: string; default?: number; min?: number; max?: number }): Promise<number>;
}

/** No terminal: nothing can be asked. A confirmation without --yes refuses instead of silently answering yes. */
export class NonInteractivePrompter implements Prompter {
  readonly interactive = false;
  constructor(private readonly what: string) {}
  private refuse(message: string): never {
    throw new UsageError(`${this.what} needs an answer to "${message}", but there is no terminal to ask on`, 'Pass --yes to accept, or run it in a terminal.', 'NO_TTY');
  }
  confirm(q: { message: string }): Promise<boolean> { return this.refuse(q.message); }
  input(q: { message: string }): Promise<string> { return this.refuse(q.message); }
  password(q: { message: string }): Promise<string> { return this.refuse(q.message); }
  select<T>(q: { message: string }): Promise<T> { return this.refuse(q.message); }
  checkbox<T>(q: { message: string }): Promise<T[]> { return this.refuse(q.message); }
  number(q: { message: string }): Promise<number> { return this.refuse(q.message); }
}
