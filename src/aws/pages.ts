/**
 * Every page of the account-wide lists secure-api walks, as one sequence. Leaving the `for await` early asks for no
 * further page, as the loops these replace did.
 */
import { GetRestApisCommand, type RestApi } from '@aws-sdk/client-api-gateway';
import { ListUserPoolsCommand, type UserPoolDescriptionType } from '@aws-sdk/client-cognito-identity-provider';
import type { AwsClients } from './clients.js';

/** The region's REST APIs (GetRestApis, AWS's largest page: 500), tags included. */
export async function* eachRestApi(clients: Pick<AwsClients, 'apigateway'>): AsyncGenerator<RestApi> {
  let position: string | undefined;
  do {
    const page = await clients.apigateway.send(new GetRestApisCommand({ limit: 500, position }));
    yield* page.items ?? [];
    position = page.position;
  } while (position);
}

/** The region's user pools (ListUserPools, AWS's largest page: 60): ids and names, no tags. */
export async function* eachUserPool(clients: Pick<AwsClients, 'cognito'>): AsyncGenerator<UserPoolDescriptionType> {
  let token: string | undefined;
  do {
    const page = await clients.cognito.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: token }));
    yield* page.UserPools ?? [];
    token = page.NextToken;
  } while (token);
}
