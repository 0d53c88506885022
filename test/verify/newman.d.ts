/** The part of newman's Node API the tests use (newman ships no types and @types/newman is not installed). */
declare module 'newman' {
  export interface NewmanRunOptions {
    collection: unknown;
    environment?: unknown;
    reporters?: string | string[];
    timeoutRequest?: number;
  }
  export interface NewmanAssertion { assertion: string; error?: { message: string } }
  export interface NewmanExecution { item: { name: string }; response?: { code: number }; assertions?: NewmanAssertion[] }
  export interface NewmanFailure { error: { name: string; message: string; test?: string }; source?: { name?: string } }
  export interface NewmanRunSummary {
    run: {
      stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
      executions: NewmanExecution[];
      failures: NewmanFailure[];
    };
  }
  export function run(options: NewmanRunOptions, callback: (err: Error | null, summary: NewmanRunSummary) => void): unknown;
  const newman: { run: typeof run };
  export default newman;
}
