import type { StackConfig, StackConfigInput } from '../config/schema.js';
import type { ApiFacts, ApiSummaryRow, PoolFacts, PoolSummaryRow } from '../resources/existing-lookup.js';
import type { Prompter } from '../ui/prompter.js';

/** Just the colours the wizard uses; the host passes a chalk instance (or plain strings when colour is off). */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  cyan(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

/** Read-only AWS look-ups the wizard makes when it has credentials (never a create). */
export interface WizardLookups {
  /** The account's Lambda functions in a region, for "an existing Lambda". */
  listFunctions(region: string): Promise<Array<{ name: string; arn: string }>>;
  /** true when a hosted UI domain prefix is already taken (DescribeUserPoolDomain). */
  domainTaken(region: string, prefix: string): Promise<boolean>;
  // issue 12: what already exists, for "secure an existing API" and "use an existing user pool".
  listRestApis?(region: string): Promise<ApiSummaryRow[]>;
  describeRestApi?(region: string, id: string): Promise<ApiFacts | undefined>;
  listUserPools?(region: string): Promise<PoolSummaryRow[]>;
  describeUserPool?(region: string, id: string): Promise<PoolFacts | undefined>;
}

/** A stack this state directory already records. */
export interface ExistingStack {
  stack: string;
  region: string;
  complete: boolean;
  /** Resources recorded (created or in progress). */
  resources: number;
  /** The resolved configuration it was created with (no secrets). */
  config: Record<string, unknown>;
  /** Its REST API's id, once created: the invoke URL the wizard shows is then the real one. */
  apiId?: string | undefined;
}

/** Everything the wizard needs from its host (init-command builds the real one; tests build their own). */
export interface WizardDeps {
  prompter: Prompter;
  /** Print wizard text (headings, notes) on the terminal the questions appear on. */
  say: (text: string) => void;
  style: Style;
  /** Terminal width; text is wrapped to it. @default 80 */
  columns?: number | undefined;
  /** Validate and complete an input exactly as `init --yes` does. */
  resolve: (input: StackConfigInput) => StackConfig;
  /** Region used when nothing names one, and where it came from (AWS_REGION, a profile…). */
  defaultRegion: string;
  regionSource?: string | undefined;
  profile?: string | undefined;
  /** A custom AWS endpoint (LocalStack…): invoke URLs take its form. */
  endpointUrl?: string | undefined;
  /** Where state files live, as the user should read it. @default '.secure-api' */
  stateDirLabel?: string | undefined;
  /** The AWS account of the credentials (sts:GetCallerIdentity); throws when there are none. */
  account?: (() => Promise<string>) | undefined;
  /** AWS look-ups; used only when `account` succeeded. Absent: format checks only. */
  lookups?: WizardLookups | undefined;
  /** The state this directory records for a stack name, if any. */
  existing?: ((stack: string) => ExistingStack | undefined) | undefined;
  /** A printable summary of a recorded stack (resources, ids, URLs). */
  describeExisting?: ((stack: string) => string) | undefined;
  /** Process environment, where IdP secrets are put for this run only (never in the config). */
  env: NodeJS.ProcessEnv;
  /** The suffix of the default domain prefix for a stack (init derives it, as --yes does). @default randomSuffix from config/resolve */
  suffix?: ((stack: string) => string) | undefined;
  /** --verify / --no-verify, when given. */
  verify?: boolean | undefined;
}

export interface WizardResult {
  /** The completed input: every answer as a config key (resolveConfig turns it into the StackConfig). */
  input: StackConfigInput;
  /** Step 6: prove the stack after deploying. */
  verify: boolean;
  /** The user chose a recorded stack (resume it, or keep it as it is) rather than new answers. */
  reused?: 'resume' | 'keep' | undefined;
}
