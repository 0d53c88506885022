import type { Out, ResourceKind } from '../resources/types.js';

/** restore / keep: destroy on the user's own resources (put back what we changed / leave as it is). */
export type Verb = 'create' | 'adopt' | 'update' | 'delete' | 'read' | 'restore' | 'keep';

/** What the engine tells its host; the host decides how to show it (spinners, plain lines, nothing for --json). */
export type EngineEvent =
  | { type: 'node-start'; id: string; kind: ResourceKind; label: string; verb: Verb }
  | { type: 'node-done'; id: string; kind: ResourceKind; label: string; verb: Verb; out: Out; ms: number }
  | { type: 'node-skip'; id: string; kind: ResourceKind; label: string; reason: string }
  | { type: 'node-fail'; id: string; kind: ResourceKind; label: string; verb: Verb; message: string }
  | { type: 'note'; message: string; id?: string | undefined }
  | { type: 'warn'; message: string };

export type EventSink = (e: EngineEvent) => void;
