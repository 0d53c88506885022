/**
 * `export cdk`: a TypeScript CDK app whose one stack synthesizes the same resources with the same settings, and a
 * resource-mapping.json for `cdk import --resource-mapping` (logical id → the live identifier) for every type
 * CloudFormation can import; the others are listed with what to do about each.
 */
import { KIND_EXPORTS } from './kinds/index.js';
import { FUNCTION_DIR } from './kinds/lambda.js';
import { Join, Ref, Secret, type CfnResource, type ExportNode, type Value } from './model.js';
import type { ExportSource } from './source.js';
import type { ExportFile } from './terraform.js';
import { SAMPLE_FILE, SAMPLE_FUNCTION_SOURCE } from '../resources/sample-function.js';

/** Exact pins of what the generated app installs. */
export const CDK_VERSIONS = { 'aws-cdk-lib': '2.276.0', constructs: '10.8.1', 'aws-cdk': '3.0.0', tsx: '4.23.15', typescript: '5.9.3', '@types/node': '20.19.43' } as const;

export interface CdkExport {
  files: ExportFile[];
  /** resource-mapping.json: logical id → identifier properties. */
  mapping: Record<string, Record<string, string>>;
  notImported: Array<{ logicalId: string; type: string; why: string }>;
  notes: string[];
  /** Every resource as the template will hold it (for tests and --json). */
  resources: CfnResource[];
}

/** A TypeScript expression written as is. */
class CdkExpr {
  constructor(readonly text: string) {}
}
/** The sample's source, packaged by the CDK as an asset (cdk bootstrap once per account and region). */
const FUNCTION_CODE = new CdkExpr('{ S3Bucket: functionCode.s3BucketName, S3Key: functionCode.s3ObjectKey }');

/** Words a variable may not be named (`const function = …` does not parse). */
const RESERVED = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends',
  'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try',
  'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await']);
const camel = (logicalId: string): string => {
  const v = logicalId[0]!.toLowerCase() + logicalId.slice(1);
  return RESERVED.has(v) ? `${v}Resource` : v;
};
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string): string => (IDENT.test(k) ? k : JSON.stringify(k));
const tsString = (s: string): string => JSON.stringify(s);
const className = (stack: string): string => `${stack.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Secured'}Stack`;

export function cdkResources(src: ExportSource): Array<{ node: ExportNode; resources: CfnResource[] }> {
  return src.ours.map((node) => {
    const e = KIND_EXPORTS[node.kind];
    if (e.owner !== 'ours') return { node, resources: [] };
    return { node, resources: (e.cloudformation as (n: ExportNode, x: typeof src.ctx) => CfnResource[])(node, src.ctx) };
  });
}

/** The nodes a resource's properties reference. */
function referenced(v: unknown, into: Set<string>): Set<string> {
  if (v instanceof Ref) into.add(v.node);
  else if (v instanceof Join) v.parts.forEach((p) => referenced(p, into));
  else if (Array.isArray(v)) v.forEach((e) => referenced(e, into));
  else if (v !== null && typeof v === 'object' && !(v instanceof Secret)) Object.values(v).forEach((e) => referenced(e, into));
  return into;
}

/** Nodes in an order where each comes after what it references (a `const` is used only once declared). */
function declarationOrder<T extends { node: ExportNode; resources: CfnResource[] }>(perNode: T[]): T[] {
  const ids = new Set(perNode.map((p) => p.node.id));
  const needs = new Map(perNode.map((p) => {
    const set = new Set<string>();
    for (const r of p.resources) {
      referenced(r.properties, set);
      for (const d of r.dependsOn ?? []) set.add(d);
    }
    set.delete(p.node.id);
    return [p.node.id, [...set].filter((d) => ids.has(d))];
  }));
  const done = new Set<string>();
  const out: T[] = [];
  while (out.length < perNode.length) {
    const next = perNode.find((p) => !done.has(p.node.id) && (needs.get(p.node.id) ?? []).every((d) => done.has(d)));
    if (!next) throw new Error('the export\'s resources reference each other in a circle');
    done.add(next.node.id);
    out.push(next);
  }
  return out;
}

export function exportCdk(src: ExportSource): CdkExport {
  const perNode = declarationOrder(cdkResources(src));
  const first = new Map<string, CfnResource>();
  const byNode = new Map<string, CfnResource[]>();
  for (const { node, resources } of perNode) {
    if (resources[0]) first.set(node.id, resources[0]);
    byNode.set(node.id, resources);
  }
  const secrets = new Map<string, Secret>();
  const refExpr = (r: Ref): string | undefined => {
    const res = first.get(r.node);
    if (!res) return undefined;
    const attr = res.refs?.[r.key];
    if (!attr) throw new Error(`${res.type} (node ${r.node}) says nothing of how to reference its "${r.key}"`);
    return attr === 'Ref' ? `${camel(res.logicalId)}.ref` : `${camel(res.logicalId)}.getAtt(${tsString(attr)}).toString()`;
  };
  const render = (v: Value | CdkExpr | undefined, depth: number): string => {
    const pad = '  '.repeat(depth);
    if (v instanceof CdkExpr) return v.text;
    if (v instanceof Ref) return refExpr(v) ?? tsString(v.literal);
    if (v instanceof Secret) {
      secrets.set(v.name, v);
      return `${camel(paramId(v.name))}.valueAsString`;
    }
    if (v instanceof Join) {
      return `\`${v.parts.map((p) => {
        if (typeof p === 'string') return p.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${');
        const e = refExpr(p);
        return e ? `\${${e}}` : p.literal.replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${');
      }).join('')}\``;
    }
    if (typeof v === 'string') return tsString(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v === undefined) return 'undefined';
    if (Array.isArray(v)) {
      const items = v.map((e) => render(e, depth + 1));
      const line = `[${items.join(', ')}]`;
      return line.length <= 100 && !line.includes('\n') ? line : `[\n${items.map((i) => `${pad}  ${i},`).join('\n')}\n${pad}]`;
    }
    const entries = Object.entries(v).filter(([, e]) => e !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, e]) => `${pad}  ${key(k)}: ${render(e, depth + 1)},`).join('\n')}\n${pad}}`;
  };
  const paramId = (name: string): string => name.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

  const body: string[] = [];
  const mapping: CdkExport['mapping'] = {};
  const notImported: CdkExport['notImported'] = [];
  const all: CfnResource[] = [];
  for (const { node, resources } of perNode) {
    for (const res of resources) {
      all.push(res);
      const v = camel(res.logicalId);
      const props = (res.type === 'AWS::Lambda::Function' ? { ...res.properties, Code: FUNCTION_CODE } : res.properties) as Value;
      const lines = [`    // ${node.kind} ${node.label}`];
      lines.push(`    const ${v} = new CfnResource(this, ${tsString(res.logicalId)}, {`);
      lines.push(`      type: ${tsString(res.type)},`);
      lines.push(`      properties: ${render(props, 3)},`);
      lines.push('    });');
      // CloudFormation imports only resources with a DeletionPolicy; the pool's is Retain (deleting it loses its users).
      lines.push(`    ${v}.applyRemovalPolicy(RemovalPolicy.${res.retain ? 'RETAIN' : 'DESTROY'});`);
      for (const d of res.dependsOn ?? []) for (const other of byNode.get(d) ?? []) lines.push(`    ${v}.addDependency(${camel(other.logicalId)});`);
      body.push(lines.join('\n'));
      if ('identifier' in res.import) mapping[res.logicalId] = res.import.identifier;
      else notImported.push({ logicalId: res.logicalId, type: res.type, why: res.import.unsupported });
    }
  }
  const { ctx } = src;
  const cls = className(ctx.stack);
  const usesFunction = all.some((r) => r.type === 'AWS::Lambda::Function');
  const params = [...secrets.values()].map((s) => `    const ${camel(paramId(s.name))} = new CfnParameter(this, ${tsString(paramId(s.name))}, {\n      type: 'String',\n      noEcho: true,\n      description: ${tsString(`${s.description}; never written by secure-api: pass it with --parameters ${paramId(s.name)}=…`)},\n    });`);
  const stackFile = [
    `// Made by \`secure-api export cdk\` from stack ${ctx.stack} (${ctx.region}, account ${ctx.account}).`,
    '// Every resource here exists already: `cdk import --resource-mapping resource-mapping.json` takes them over.',
    ...src.notes.map((n) => `// Left out: ${n}`),
    `import { CfnParameter, CfnResource, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';`,
    ...(usesFunction ? [`import { Asset } from 'aws-cdk-lib/aws-s3-assets';`] : []),
    `import type { Construct } from 'constructs';`,
    '',
    `export class ${cls} extends Stack {`,
    '  constructor(scope: Construct, id: string, props?: StackProps) {',
    '    super(scope, id, props);',
    ...params,
    ...(usesFunction ? [`    const functionCode = new Asset(this, 'FunctionCode', { path: ${tsString(FUNCTION_DIR)} });`] : []),
    '',
    body.join('\n\n'),
    '  }',
    '}',
    '',
  ].join('\n');
  const cfnStackName = `${ctx.stack}`;
  const files: ExportFile[] = [
    {
      path: 'package.json',
      content: JSON.stringify({
        name: `${ctx.stack}-cdk`, private: true, type: 'module',
        scripts: { synth: 'cdk synth', import: 'cdk import --resource-mapping resource-mapping.json', deploy: 'cdk deploy' },
        devDependencies: { ...CDK_VERSIONS },
      }, null, 2) + '\n',
    },
    { path: 'cdk.json', content: JSON.stringify({ app: 'npx tsx bin/app.ts' }, null, 2) + '\n' },
    {
      path: 'tsconfig.json',
      content: JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true }, include: ['bin', 'lib'] }, null, 2) + '\n',
    },
    {
      path: 'bin/app.ts',
      content: [
        `import { App } from 'aws-cdk-lib';`,
        `import { ${cls} } from '../lib/stack.js';`,
        '',
        'const app = new App({ analyticsReporting: false });',
        `new ${cls}(app, ${tsString(cfnStackName)}, { env: { account: ${tsString(ctx.account)}, region: ${tsString(ctx.region)} } });`,
        '',
      ].join('\n'),
    },
    { path: 'lib/stack.ts', content: stackFile },
    { path: 'resource-mapping.json', content: JSON.stringify(mapping, null, 2) + '\n' },
  ];
  if (usesFunction) files.push({ path: `${FUNCTION_DIR}/${SAMPLE_FILE}`, content: SAMPLE_FUNCTION_SOURCE });
  files.push({
    path: 'IMPORT.md',
    content: [
      `# Taking stack ${ctx.stack} into this CDK app`,
      '',
      '```sh',
      `secure-api forget --stack ${ctx.stack}   # secure-api lets go (removes its own tags, keeps a copy of the state)`,
      'npm install',
      `npx cdk bootstrap aws://${ctx.account}/${ctx.region}   # once per account and region, for the function's code asset`,
      'npx cdk import --resource-mapping resource-mapping.json',
      'npx cdk deploy   # creates what CloudFormation cannot import (below)',
      '```',
      '',
      ...(notImported.length ? ['## Not importable', '', ...notImported.map((n) => `- \`${n.logicalId}\` (${n.type}): ${n.why}`), ''] : []),
      ...(src.notes.length ? ['## Left out (yours)', '', ...src.notes.map((n) => `- ${n}`), ''] : []),
    ].join('\n'),
  });
  return { files, mapping, notImported, notes: src.notes, resources: all };
}
