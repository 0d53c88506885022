/** Stacks the export tests make with the CLI against the fake. */

/** Never a real secret: the value the tests look for in every exported file. */
export const IDP_SECRET = 'not-a-real-google-secret-0123456789';

/** The stack the issue names: routes with a {param}, a public route, a confidential client, a stricter password policy; and MFA, an IdP, HTTP and MOCK routes, tags. */
export const LIVE = {
  stack: 'live',
  routes: [
    { path: '/items', methods: ['GET', 'POST'] },
    { path: '/items/{id}', methods: ['GET', 'DELETE'] },
    { path: '/health', methods: ['GET'], public: true },
    { path: '/proxy/{name}', methods: ['GET'], integration: { type: 'http', url: 'https://backend.example.com/proxy/{name}' } },
    { path: '/mocked', methods: ['POST'], integration: { type: 'mock' } },
    // Only members of a Cognito group: the group, and the function's SECURE_API_ROUTE_GROUPS.
    { path: '/admin', methods: ['GET'], groups: ['admins'] },
  ],
  userPool: {
    passwordPolicy: { minLength: 14, requireSymbols: false, temporaryPasswordValidityDays: 3 },
    mfa: { mode: 'ON', totp: true },
    identityProviders: [{ type: 'Google', clientId: 'test.apps.example' }],
  },
  appClient: { type: 'confidential' },
  // A custom scope: its resource server, and the machine client that gets tokens holding it.
  authorizer: { scopes: ['live-api/read'], machineClient: true },
  tags: { team: 'payments' },
  // The stage traced and throttled: the stage's own properties, and Terraform's method settings.
  stage: { tracing: true, throttle: { rateLimit: 100, burstLimit: 200 } },
};

