import { UsageError } from '../errors.js';
import type { ParsedStackConfig } from './schema.js';

/*
 * Cognito's own rules on a user pool and its client, checked before any AWS call so that flags, --config and the
 * wizard all get them (each names its source; the fake in test/fakes enforces the same rule).
 */

/** Social providers Cognito names after their type; only OIDC (and SAML) providers take a name of their own. */
const SOCIAL_TYPES = new Set(['Google', 'Facebook', 'LoginWithAmazon', 'SignInWithApple']);

/** Refuse what Cognito would refuse halfway through a run (exit 2, the fix named). */
export function checkCognitoRules(c: ParsedStackConfig): void {
  const up = c.userPool;
  // CreateUserPool refuses phone_number in AutoVerifiedAttributes without an SmsConfiguration (aws-cdk #9513, #12075):
  // phone sign-in and phone recovery both need Cognito to text a code, through an SNS role of yours.
  const phone = up.signInIdentifiers.includes('phone') ? 'phone sign-in' : up.accountRecovery === 'verified_phone_number' ? 'account recovery by phone' : undefined;
  if (phone && !up.mfa.smsRoleArn) {
    throw new UsageError(
      `${phone} needs Cognito to send SMS codes, which needs an IAM role it assumes to publish through Amazon SNS: none is set.`,
      'Give one with --sms-role-arn ARN (userPool.mfa.smsRoleArn; --sms-external-id / userPool.mfa.smsExternalId for its external id), '
        + 'or sign in with email instead (--sign-in email).',
      'SMS_ROLE_NEEDED',
    );
  }
  // CreateIdentityProvider: "Provider X cannot be of type Google." (aws-cli #3179, terraform-provider-aws #4822).
  for (const idp of up.identityProviders) {
    if (SOCIAL_TYPES.has(idp.type) && idp.name !== undefined && idp.name !== idp.type) {
      throw new UsageError(
        `identity provider "${idp.name}": Cognito names a ${idp.type} provider "${idp.type}", nothing else (only OIDC providers take their own name).`,
        `Remove "name" from that entry of userPool.identityProviders, or set it to "${idp.type}".`,
        'IDP_NAME',
      );
    }
  }
}

/**
 * The app client's flows with ALLOW_REFRESH_TOKEN_AUTH added when missing: Cognito refuses a client without it
 * ("REFRESH_TOKEN_AUTH should always be allowed", aws-cdk #7625; the CDK adds it itself since aws-cdk #10561).
 */
export function withRefreshTokenFlow(flows: ParsedStackConfig['appClient']['authFlows']): ParsedStackConfig['appClient']['authFlows'] {
  return flows.includes('ALLOW_REFRESH_TOKEN_AUTH') ? flows : [...flows, 'ALLOW_REFRESH_TOKEN_AUTH'];
}
