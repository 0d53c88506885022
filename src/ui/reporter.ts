import type { ChalkInstance } from 'chalk';
import type { EngineEvent } from '../engine/events.js';
import type { OutputMode, Streams } from './output.js';

/** The one id worth showing for each kind of node. */
function mainId(out: Record<string, string>): string {
  return out.apiId ?? out.userPoolId ?? out.clientId ?? out.functionName ?? out.roleName ?? out.authorizerId
    ?? out.deploymentId ?? out.domain ?? out.resourceId ?? out.providerName ?? out.statementId ?? out.responseType ?? '';
}

const VERB_ING: Record<string, string> = { create: 'creating', adopt: 'adopting', update: 'updating', delete: 'deleting', read: 'reading', restore: 'putting back', keep: 'keeping' };
const VERB_DONE: Record<string, string> = { create: 'created', adopt: 'adopted', update: 'updated', delete: 'deleted', read: 'read', restore: 'put back', keep: 'kept' };

interface Spinner { text: string; start(): Spinner; stop(): Spinner; clear(): Spinner; render(): Spinner; isSpinning: boolean }
export type SpinnerFactory = (opts: { text: string; stream: NodeJS.WritableStream }) => Spinner;

/**
 * Turns engine events into progress on stderr: on a TTY one spinner naming what is in flight, with a
 * permanent ✓ / ✗ line per finished resource; plain lines elsewhere. Results (stdout) are not its job.
 */
export class Reporter {
  private readonly inFlight = new Map<string, string>();
  private spinner: Spinner | undefined;
  private started: number;

  constructor(
    private readonly mode: OutputMode,
    private readonly streams: Streams,
    private readonly c: ChalkInstance,
    private readonly spinnerFactory: SpinnerFactory | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  private elapsed(): string {
    return `${((this.now() - this.started) / 1000).toFixed(1)}s`;
  }

  private line(text: string): void {
    if (this.spinner?.isSpinning) this.spinner.clear();
    this.streams.stderr.write(text + '\n');
    if (this.spinner?.isSpinning) this.spinner.render();
  }

  private refresh(): void {
    if (this.mode !== 'tty' || !this.spinnerFactory) return;
    const names = [...this.inFlight.values()];
    if (!names.length) {
      this.spinner?.stop();
      return;
    }
    const width = (this.streams.stderr.columns ?? 80) - 4;
    let text = names.length === 1 ? names[0]! : `${names.length} in flight: ${names.join(', ')}`;
    if (text.length > width) text = text.slice(0, Math.max(10, width - 1)) + '…';
    if (!this.spinner) this.spinner = this.spinnerFactory({ text, stream: this.streams.stderr });
    this.spinner.text = text;
    if (!this.spinner.isSpinning) this.spinner.start();
  }

  /** Count elapsed time from now (when creation starts, after any questions). */
  restartClock(): void {
    this.started = this.now();
  }

  info(message: string): void {
    this.line(message);
  }

  warn(message: string): void {
    this.line(this.c.yellow(`! ${message}`));
  }

  event = (e: EngineEvent): void => {
    const { c } = this;
    switch (e.type) {
      case 'node-start':
        this.inFlight.set(e.id, `${VERB_ING[e.verb]} ${e.kind} ${e.label}`);
        if (this.mode !== 'tty') this.line(`… ${VERB_ING[e.verb]} ${e.kind} ${e.label}`);
        this.refresh();
        break;
      case 'node-done': {
        this.inFlight.delete(e.id);
        const id = mainId(e.out);
        this.line(`${c.green('✓')} ${VERB_DONE[e.verb]} ${e.kind} ${c.bold(e.label)}${id && !e.label.includes(id) ? c.dim(` ${id}`) : ''} ${c.dim(`(${(e.ms / 1000).toFixed(1)}s, at ${this.elapsed()})`)}`);
        this.refresh();
        break;
      }
      case 'node-skip':
        this.line(c.dim(`- ${e.kind} ${e.label}: ${e.reason}`));
        break;
      case 'node-fail':
        this.inFlight.delete(e.id);
        this.line(`${c.red('✗')} ${e.kind} ${c.bold(e.label)}: ${e.message}`);
        this.refresh();
        break;
      case 'note':
        this.line(c.dim(`  ${e.message}`));
        break;
      case 'warn':
        this.warn(e.message);
        break;
    }
  };

  stop(): void {
    this.inFlight.clear();
    this.spinner?.stop();
  }
}
