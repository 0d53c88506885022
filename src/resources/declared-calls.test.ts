import { describe, expect, it } from 'vitest';
import { cleanPath, createDepthOf, mayCall, only, sometimes, type HandlerCalls } from './declared-calls.js';

interface Spec { mock: boolean; policies: string[] }

const calls: HandlerCalls<Spec> = {
  create: [
    'apigateway:PutMethod',
    { call: 'iam:AttachRolePolicy', times: (s) => s.policies.length },
    only('apigateway:PutMethodResponse', (s) => s.mock, { alongside: true }),
    only('apigateway:PutIntegrationResponse', (s) => s.mock),
    sometimes('apigateway:GetMethod', 'the answer was lost'),
  ],
  find: ['apigateway:GetMethod'],
  read: [],
  delete: ['apigateway:DeleteMethod', sometimes('apigateway:GetResources', 'the id is looked up')],
};

describe('declared calls', () => {
  it('the clean path: steps repeated or left out by the spec, calls of other paths never listed', () => {
    expect(cleanPath(calls.create, { mock: true, policies: ['a', 'b'] })).toEqual([
      'apigateway:PutMethod', 'iam:AttachRolePolicy', 'iam:AttachRolePolicy', 'apigateway:PutMethodResponse', 'apigateway:PutIntegrationResponse',
    ]);
    expect(cleanPath(calls.create, { mock: false, policies: [] })).toEqual(['apigateway:PutMethod']);
    expect(cleanPath(calls.delete)).toEqual(['apigateway:DeleteMethod']);
    expect(cleanPath(undefined)).toEqual([]);
  });

  it('what a method may call: every entry, on any path and for any spec, once each', () => {
    expect(mayCall(calls.create)).toEqual([
      'apigateway:PutMethod', 'iam:AttachRolePolicy', 'apigateway:PutMethodResponse', 'apigateway:PutIntegrationResponse', 'apigateway:GetMethod',
    ]);
    expect(mayCall(calls.delete)).toEqual(['apigateway:DeleteMethod', 'apigateway:GetResources']);
    expect(mayCall(undefined)).toEqual([]);
  });

  it('the depth of a create: a call sent alongside the one before adds no step; a step made n times adds n', () => {
    expect(createDepthOf(calls, { mock: true, policies: ['a', 'b'] })).toBe(1 + 2 + 0 + 1);
    expect(createDepthOf(calls, { mock: false, policies: ['a'] })).toBe(2);
  });
});
