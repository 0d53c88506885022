import { describe, expect, it } from 'vitest';
import { triggersFired, triggersText } from './pool-triggers.js';

const fn = (n: string) => `arn:aws:lambda:us-east-1:123456789012:function:${n}`;

describe('triggersFired: the Lambda triggers a test user sets off (developer guide, Lambda trigger sources)', () => {
  it('AdminCreateUser sets off pre sign-up; AdminInitiateAuth pre/post authentication and pre token generation', () => {
    expect(triggersFired({ PreSignUp: fn('a'), PreAuthentication: fn('b'), PostAuthentication: fn('c'), PreTokenGeneration: fn('d') })).toEqual([
      { trigger: 'PreSignUp', source: 'PreSignUp_AdminCreateUser', functionArn: fn('a') },
      { trigger: 'PreAuthentication', source: 'PreAuthentication_Authentication', functionArn: fn('b') },
      { trigger: 'PostAuthentication', source: 'PostAuthentication_Authentication', functionArn: fn('c') },
      { trigger: 'PreTokenGeneration', source: 'TokenGeneration_Authentication', functionArn: fn('d') },
    ]);
  });

  it('each trigger alone is named alone (every key, not only the first)', () => {
    for (const key of ['PreSignUp', 'PreAuthentication', 'PostAuthentication', 'PreTokenGeneration'] as const) {
      expect(triggersFired({ [key]: fn(key) }).map((t) => t.trigger), key).toEqual([key]);
    }
  });

  it('PreTokenGenerationConfig (event version V2) is the pre token generation trigger, and wins over the legacy ARN', () => {
    expect(triggersFired({ PreTokenGenerationConfig: { LambdaArn: fn('v2'), LambdaVersion: 'V2_0' } })).toEqual([
      { trigger: 'PreTokenGeneration', source: 'TokenGeneration_Authentication', functionArn: fn('v2') },
    ]);
    expect(triggersFired({ PreTokenGeneration: fn('v1'), PreTokenGenerationConfig: { LambdaArn: fn('v2'), LambdaVersion: 'V2_0' } })[0]?.functionArn).toBe(fn('v2'));
  });

  it('the triggers a SUPPRESSed, existing, password-signed-in user does not set off are not named', () => {
    // Custom message / custom senders: only for a message sent (MessageAction SUPPRESS sends none); migrate user: only
    // for a user the pool lacks; post confirmation: no admin call confirms; the auth challenge ones: CUSTOM_AUTH only.
    expect(triggersFired({
      CustomMessage: fn('m'), CustomEmailSender: { LambdaArn: fn('e'), LambdaVersion: 'V1_0' }, CustomSMSSender: { LambdaArn: fn('s'), LambdaVersion: 'V1_0' },
      UserMigration: fn('u'), PostConfirmation: fn('p'), DefineAuthChallenge: fn('d'), CreateAuthChallenge: fn('c'), VerifyAuthChallengeResponse: fn('v'),
    })).toEqual([]);
    expect(triggersFired(undefined)).toEqual([]);
    expect(triggersFired({})).toEqual([]);
  });

  it('triggersText names each trigger with its function', () => {
    expect(triggersText(triggersFired({ PreSignUp: fn('crm-signup'), PostAuthentication: `${fn('audit')}:live` }))).toBe('PreSignUp (crm-signup), PostAuthentication (audit)');
  });
});
