import type { AwsClients, ServiceName } from '../aws/clients.js';

/** AWS's read verbs: status may call these and nothing else. */
const READ_CALL = /^(Get|Describe|List)[A-Z]/;

/** True for a command (by class name, with or without the "Command" suffix) that only reads. */
export function isReadCall(command: string): boolean {
  return READ_CALL.test(command.replace(/Command$/, ''));
}

/**
 * The same clients, refusing any call that is not a read, so `status` cannot change a stack even through a
 * handler that one day calls more than it should. A refusal is a bug in secure-api, not the user's mistake.
 */
export function readOnlyClients(clients: AwsClients): AwsClients {
  const guard = (service: ServiceName) => ({
    send: ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
      const name = command.constructor.name;
      if (!isReadCall(name)) {
        return Promise.reject(new Error(`internal: status only reads, but ${service}:${name.replace(/Command$/, '')} was about to be called`));
      }
      return (clients[service].send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
    }) as never,
  });
  return {
    apigateway: guard('apigateway'),
    cognito: guard('cognito'),
    lambda: guard('lambda'),
    iam: guard('iam'),
    sts: guard('sts'),
    tagging: guard('tagging'),
    logs: guard('logs'),
    calls: clients.calls,
    limiters: clients.limiters,
  };
}
