import { UserPoolSchema } from '../config/schema.js';
import { checkEmail, checkRegion, checkResourceName, checkSesIdentityArn } from '../config/validators.js';
import type { WizardSession } from './session.js';
import { checkWith } from './session.js';
import { askAppClient, askHostedUi, askIdentityProviders } from './step-3-sign-in.js';
import { askPoolSource } from './step-existing.js';

type Identifier = 'username' | 'email' | 'phone';
type PasswordRule = 'requireNumbers' | 'requireSymbols' | 'requireUppercase' | 'requireLowercase';

const smsRoleCheck = checkWith(UserPoolSchema.shape.mfa.unwrap().shape.smsRoleArn);
export const FIFTY_A_DAY = 'Cognito\'s default email sends at most 50 emails a day: fine for development; use Amazon SES for production.';
export const SES_SANDBOX = 'An SES account still in the sandbox delivers only to verified addresses: request production access in the SES console '
  + 'before real users sign up. The first SES pool also makes Cognito create its service-linked role (iam:CreateServiceLinkedRole, in `secure-api policy`).';

async function askPasswordPolicy(s: WizardSession): Promise<void> {
  if (await s.givenOrKept('userPool.passwordPolicy', 'Password policy', (v) => `at least ${(v as { minLength?: number }).minLength ?? 8} characters`)) return;
  const custom = await s.prompter.select<boolean>({
    message: 'Password policy',
    choices: [
      { name: 'Cognito defaults', value: false, description: 'At least 8 characters, with numbers, special characters, upper and lower case letters' },
      { name: 'Custom', value: true, description: 'Choose the minimum length and complexity' },
    ],
    default: false,
  });
  if (!custom) {
    s.answerDefault('userPool.passwordPolicy', UserPoolSchema.parse({}).passwordPolicy);
    return;
  }
  const minLength = await s.prompter.number({ message: 'Minimum password length (6 to 99)', default: 8, min: 6, max: 99 });
  const rules: Array<{ name: string; value: PasswordRule }> = [
    { name: 'at least one number', value: 'requireNumbers' },
    { name: 'at least one special character', value: 'requireSymbols' },
    { name: 'at least one uppercase letter', value: 'requireUppercase' },
    { name: 'at least one lowercase letter', value: 'requireLowercase' },
  ];
  const chosen = await s.prompter.checkbox<PasswordRule>({ message: 'Passwords must contain', choices: rules.map((r) => ({ ...r, checked: true })) });
  s.draft.set('userPool.passwordPolicy', { minLength, ...Object.fromEntries(rules.map((r) => [r.value, chosen.includes(r.value)])) });
}

async function askMfa(s: WizardSession): Promise<void> {
  const mode = await s.askSelect('userPool.mfa.mode', 'Multi-factor authentication (MFA)', [
    { name: 'No MFA', value: 'OFF' },
    { name: 'Optional MFA', value: 'OPTIONAL', description: 'Each user may turn it on' },
    { name: 'Require MFA', value: 'ON', description: 'Every sign-in needs a second factor; with authenticator apps, verify still proves the 2xx (its test user sets one up) and `secure-api token` shows a QR code, then asks for the code' },
  ], 'OFF');
  if (mode === 'OFF' || s.draft.has('userPool.mfa.totp') || s.draft.has('userPool.mfa.sms')) return;
  const factors = await s.prompter.checkbox<'totp' | 'sms'>({
    message: 'MFA methods',
    choices: [
      { name: 'Authenticator apps (TOTP)', value: 'totp', checked: true, description: 'Proven unattended by verify' },
      { name: 'SMS message', value: 'sms', description: 'Alone, it cannot be proven unattended: verify names the methods and the command that proves them by hand' },
    ],
    validate: (v) => (v.length ? undefined : 'choose at least one MFA method'),
  });
  s.draft.set('userPool.mfa.totp', factors.includes('totp'));
  s.draft.set('userPool.mfa.sms', factors.includes('sms'));
  if (factors.includes('sms')) await s.askText('userPool.mfa.smsRoleArn', 'IAM role Cognito assumes to send SMS through SNS (ARN)', { validate: (v) => smsRoleCheck(v.trim()) });
}

/** Phone sign-in texts a code: Cognito needs an SNS role for it (CreateUserPool refuses phone verification without one). */
async function askSmsRole(s: WizardSession): Promise<void> {
  const ids = (s.draft.get('userPool.signInIdentifiers') as string[] | undefined) ?? [];
  if (!ids.includes('phone') || s.draft.has('userPool.mfa.smsRoleArn')) return;
  s.note('Phone sign-in sends SMS codes through Amazon SNS, with an IAM role Cognito assumes (trusting cognito-idp.amazonaws.com, allowed sns:Publish).');
  await s.askText('userPool.mfa.smsRoleArn', 'IAM role Cognito assumes to send SMS through SNS (ARN)', { validate: (v) => smsRoleCheck(v.trim()) });
}

/** Message delivery: Cognito's own sender (50 emails a day) or Amazon SES. */
async function askEmail(s: WizardSession): Promise<void> {
  const shown = (v: unknown): string => {
    const e = v as { type?: string; from?: string };
    return e.type === 'SES' ? `Amazon SES (${e.from ?? ''})` : 'Cognito (at most 50 emails a day)';
  };
  if (await s.givenOrKept('userPool.email', 'Message delivery', shown)) return;
  const ses = await s.prompter.select<boolean>({
    message: 'Message delivery',
    choices: [
      { name: 'Send email with Cognito', value: false, description: 'For development: at most 50 emails a day' },
      { name: 'Send email with Amazon SES', value: true, description: 'For production volumes; needs an address or domain verified in SES' },
    ],
    default: false,
  });
  if (!ses) {
    s.warn(FIFTY_A_DAY);
    s.draft.set('userPool.email', { type: 'COGNITO_DEFAULT' });
    return;
  }
  const region = String(s.draft.get('region') ?? s.deps.defaultRegion);
  const sesRegion = (await s.prompter.input({ message: 'SES region', default: region, validate: (v) => checkRegion(v.trim()) })).trim();
  const from = (await s.prompter.input({ message: 'FROM email address (verified in SES)', validate: (v) => checkEmail(v.trim()) })).trim();
  const sender = (await s.prompter.input({ message: 'Sender name (optional)', default: '' })).trim();
  const arnDefault = s.account ? `arn:aws:ses:${sesRegion}:${s.account}:identity/${from}` : undefined;
  const sourceArn = (await s.prompter.input({
    message: 'SES identity ARN of that address or its domain', ...(arnDefault ? { default: arnDefault } : {}), validate: (v) => checkSesIdentityArn(v.trim()),
  })).trim();
  const configurationSet = (await s.prompter.input({ message: 'SES configuration set (optional)', default: '' })).trim();
  s.warn(SES_SANDBOX);
  s.draft.set('userPool.email', { type: 'SES', sourceArn, from: sender ? `${sender} <${from}>` : from, ...(configurationSet ? { configurationSet } : {}) });
}

/** Who may create an account, and how a forgotten password is recovered. */
async function askSignUp(s: WizardSession): Promise<void> {
  await s.askConfirm('userPool.selfSignUp', 'Let anyone sign up on their own (self-registration)?', false);
  const ids = (s.draft.get('userPool.signInIdentifiers') as string[] | undefined) ?? ['email'];
  await s.askSelect('userPool.accountRecovery', 'Account recovery (forgotten password)', [
    { name: 'By verified email', value: 'verified_email' },
    ...(ids.includes('phone') ? [{ name: 'By verified phone (SMS)', value: 'verified_phone_number' }] : []),
    { name: 'An administrator only', value: 'admin_only', description: 'No self-service recovery' },
  ], 'verified_email');
}

/** What the pool keeps even against a mistake: deletion protection, and threat protection on the Plus plan (issue 25). */
async function askProtection(s: WizardSession): Promise<void> {
  await s.askConfirm('userPool.deletionProtection', 'Protect the pool against deletion? (its users go with it; `secure-api destroy` turns this off first)', true);
  if (s.draft.get('userPool.tier') !== 'PLUS') return;
  await s.askSelect('userPool.threatProtection', 'Threat protection (Plus plan)', [
    { name: 'Enforced', value: 'ENFORCED', description: 'Blocks risky sign-ins or asks for MFA (the default)' },
    { name: 'Audit only', value: 'AUDIT', description: 'Logs risky sign-ins and blocks none' },
    { name: 'Off', value: 'OFF', description: 'No risk checks' },
  ], 'ENFORCED');
}

/** Step 3 of 6 · Cognito user pool: the console's create-user-pool pages, in order. */
export async function stepUserPool(s: WizardSession, secured: boolean): Promise<void> {
  s.heading(3, 'Cognito user pool', 'Sign-in options, password policy and MFA, message delivery, federated identity providers, '
    + 'the hosted UI, and an initial app client.');
  if (!secured) {
    s.note('Skipped: every route is public, so no user pool is needed.');
    return;
  }
  // issue 12: or use one the account already has (its settings are its own).
  if (await askPoolSource(s)) return;
  const stack = String(s.draft.get('stack'));
  await s.askText('userPool.name', 'User pool name', { default: `${stack}-users`, validate: (v) => checkResourceName(v.trim(), 'user pool name', 128) });
  const ids: Array<{ name: string; value: Identifier }> = [
    { name: 'User name', value: 'username' }, { name: 'Email', value: 'email' }, { name: 'Phone number', value: 'phone' },
  ];
  await s.askCheckbox<Identifier>('userPool.signInIdentifiers', 'Sign-in options (fixed once created)',
    ids.map((i) => ({ ...i, checked: i.value === 'email' })), (v) => (v.length ? undefined : 'choose at least one sign-in option'));
  await askSmsRole(s);
  await askPasswordPolicy(s);
  await askMfa(s);
  await askEmail(s);
  await askSignUp(s);
  await askProtection(s);
  await askIdentityProviders(s);
  await askHostedUi(s);
  await askAppClient(s);
}
