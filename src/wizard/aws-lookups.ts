import { DescribeUserPoolDomainCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { AwsClients } from '../aws/clients.js';
import { listRestApis, listUserPools, lookupRestApi, lookupUserPool } from '../resources/existing-lookup.js';
import type { WizardLookups } from './types.js';

/** Enough functions to pick from; more are typed as an ARN. */
const MAX_FUNCTIONS = 200;

/** The wizard's read-only AWS look-ups, through the shared client factory (its retry, limiter and endpoint). */
export function awsLookups(clientsFor: (region: string) => AwsClients): WizardLookups {
  return {
    async listFunctions(region) {
      const out: Array<{ name: string; arn: string }> = [];
      let marker: string | undefined;
      do {
        const r = await clientsFor(region).lambda.send(new ListFunctionsCommand({ Marker: marker, MaxItems: 50 }));
        for (const f of r.Functions ?? []) if (f.FunctionName && f.FunctionArn) out.push({ name: f.FunctionName, arn: f.FunctionArn });
        marker = r.NextMarker;
      } while (marker && out.length < MAX_FUNCTIONS);
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    async domainTaken(region, prefix) {
      // AWS answers a free prefix with an empty description, not an error.
      const r = await clientsFor(region).cognito.send(new DescribeUserPoolDomainCommand({ Domain: prefix }));
      return Boolean(r.DomainDescription?.UserPoolId || r.DomainDescription?.Domain);
    },
    listRestApis: (region) => listRestApis(clientsFor(region)),
    describeRestApi: (region, id) => lookupRestApi(clientsFor(region), id),
    listUserPools: (region) => listUserPools(clientsFor(region)),
    describeUserPool: (region, id) => lookupUserPool(clientsFor(region), id),
  };
}
