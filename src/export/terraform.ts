/**
 * `export terraform`: HCL for the hashicorp/aws provider, one resource per live resource with an `import` block each
 * (Terraform 1.5+), so `terraform plan` takes over what exists instead of creating it again.
 */
import { KIND_EXPORTS } from './kinds/index.js';
import { FUNCTION_DIR, FUNCTION_ZIP } from './kinds/lambda.js';
import { Join, Ref, Secret, TfBlock, TfRaw, type ExportNode, type TfBody, type TfResource, type TfValue } from './model.js';
import type { ExportSource } from './source.js';
import { buildSampleFunctionZip, SAMPLE_FILE, SAMPLE_FUNCTION_SOURCE } from '../resources/sample-function.js';

/** The provider major version whose resource schemas this export follows (aws_api_gateway_stage apart from the deployment). */
export const AWS_PROVIDER_CONSTRAINT = '>= 6.0, < 7.0';
/** `import` blocks need Terraform 1.5. */
export const TERRAFORM_VERSION_CONSTRAINT = '>= 1.5.0';

export interface ExportFile { path: string; content: string | Uint8Array }
export interface TerraformExport {
  files: ExportFile[];
  /** Each resource's address and the id its import block gives. */
  imports: Array<{ address: string; id: string; node: string }>;
  variables: string[];
  notes: string[];
}

const INDENT = '  ';

function hclString(s: string): string {
  return JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * `key = value` lines with the `=` aligned as `terraform fmt` writes them: across consecutive attributes, a group
 * ending with an attribute whose value spans lines.
 */
function aligned(entries: Array<[string, string]>, pad: string): string[] {
  const out: string[] = [];
  let group: Array<[string, string]> = [];
  const flush = () => {
    const width = Math.max(0, ...group.map(([k]) => k.length));
    for (const [k, v] of group) out.push(`${pad}${k.padEnd(width)} = ${v}`);
    group = [];
  };
  for (const e of entries) {
    group.push(e);
    if (e[1].includes('\n')) flush();
  }
  flush();
  return out;
}

class Renderer {
  readonly secrets = new Map<string, Secret>();
  constructor(private readonly addressOf: (ref: Ref) => string | undefined) {}

  value(v: TfValue, depth: number): string {
    if (v instanceof TfRaw) return v.text;
    if (v instanceof Ref) return this.addressOf(v) ?? hclString(v.literal);
    if (v instanceof Secret) {
      this.secrets.set(v.name, v);
      return `var.${v.name}`;
    }
    if (v instanceof Join) {
      return `"${v.parts.map((p) => {
        if (typeof p === 'string') return hclString(p).slice(1, -1);
        const address = this.addressOf(p);
        return address ? `\${${address}}` : hclString(p.literal).slice(1, -1);
      }).join('')}"`;
    }
    if (typeof v === 'string') return hclString(v);
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) {
      if (v.some((e) => e instanceof TfBlock)) throw new Error('a list of blocks is rendered as blocks, not a value');
      const items = (v as TfValue[]).map((e) => this.value(e, depth + 1));
      const line = `[${items.join(', ')}]`;
      return line.length <= 100 ? line : `[\n${items.map((i) => `${INDENT.repeat(depth + 1)}${i},`).join('\n')}\n${INDENT.repeat(depth)}]`;
    }
    if (v instanceof TfBlock) throw new Error('a block is rendered as a block, not a value');
    const entries = Object.entries(v as Record<string, TfValue | undefined>).filter((e): e is [string, TfValue] => e[1] !== undefined);
    if (entries.length === 0) return '{}';
    const rendered = entries.map(([k, e]): [string, string] => [IDENT.test(k) ? k : hclString(k), this.value(e, depth + 1)]);
    return `{\n${aligned(rendered, INDENT.repeat(depth + 1)).join('\n')}\n${INDENT.repeat(depth)}}`;
  }

  body(body: TfBody, depth: number): string[] {
    const lines: string[] = [];
    const pad = INDENT.repeat(depth);
    const attrs: Array<[string, string]> = [];
    const blocks: Array<[string, TfBlock]> = [];
    for (const [k, v] of Object.entries(body)) {
      if (v === undefined) continue;
      if (v instanceof TfBlock) blocks.push([k, v]);
      else if (Array.isArray(v) && v.length > 0 && v.every((e) => e instanceof TfBlock)) blocks.push(...(v as TfBlock[]).map((b): [string, TfBlock] => [k, b]));
      else attrs.push([k, this.value(v, depth)]);
    }
    lines.push(...aligned(attrs, pad));
    for (const [k, b] of blocks) lines.push('', `${pad}${k} {`, ...this.body(b.body, depth + 1), `${pad}}`);
    return lines;
  }
}

/** Every exported node's Terraform resources, in the source's order. */
export function terraformResources(src: ExportSource): Array<{ node: ExportNode; resources: TfResource[] }> {
  return src.ours.map((node) => {
    const e = KIND_EXPORTS[node.kind];
    if (e.owner !== 'ours') return { node, resources: [] };
    return { node, resources: (e.terraform as (n: ExportNode, x: typeof src.ctx) => TfResource[])(node, src.ctx) };
  });
}

export function exportTerraform(src: ExportSource): TerraformExport {
  const perNode = terraformResources(src);
  const first = new Map<string, TfResource>();
  const addresses = new Map<string, string[]>();
  for (const { node, resources } of perNode) {
    if (resources[0]) first.set(node.id, resources[0]);
    addresses.set(node.id, resources.map((r) => `${r.type}.${r.name}`));
  }
  const r = new Renderer((ref) => {
    const res = first.get(ref.node);
    if (!res) return undefined;
    const attr = res.refs?.[ref.key];
    if (!attr) throw new Error(`${res.type} (node ${ref.node}) says nothing of how to reference its "${ref.key}"`);
    return `${res.type}.${res.name}.${attr}`;
  });
  const blocks: string[] = [];
  const imports: TerraformExport['imports'] = [];
  const seen = new Set<string>();
  for (const { node, resources } of perNode) {
    for (const res of resources) {
      const address = `${res.type}.${res.name}`;
      if (seen.has(address)) throw new Error(`two resources named ${address}`);
      seen.add(address);
      imports.push({ address, id: res.importId, node: node.id });
      const lines = [`# ${node.kind} ${node.label}`, `resource "${res.type}" "${res.name}" {`, ...r.body(res.body, 1)];
      const deps = (res.dependsOn ?? []).flatMap((d) => ('node' in d ? addresses.get(d.node) ?? [] : [d.address]));
      if (deps.length) lines.push('', `${INDENT}depends_on = [`, ...deps.map((d) => `${INDENT}${INDENT}${d},`), `${INDENT}]`);
      const lc = res.lifecycle;
      if (lc) {
        lines.push('', `${INDENT}lifecycle {`);
        if (lc.preventDestroy) lines.push(`${INDENT}${INDENT}prevent_destroy = true`);
        if (lc.createBeforeDestroy) lines.push(`${INDENT}${INDENT}create_before_destroy = true`);
        lines.push(`${INDENT}}`);
      }
      lines.push('}');
      blocks.push(lines.join('\n'));
    }
  }
  const { ctx } = src;
  const header = [
    `# Made by \`secure-api export terraform\` from stack ${ctx.stack} (${ctx.region}, account ${ctx.account}).`,
    '# Every resource below exists already: imports.tf takes each into Terraform\'s state, nothing is created again.',
    ...src.notes.map((n) => `# Left out: ${n}`),
  ].join('\n');
  const files: ExportFile[] = [
    {
      path: 'versions.tf',
      content: [
        'terraform {',
        `  required_version = ${hclString(TERRAFORM_VERSION_CONSTRAINT)}`,
        '  required_providers {',
        '    aws = {',
        '      source  = "hashicorp/aws"',
        `      version = ${hclString(AWS_PROVIDER_CONSTRAINT)}`,
        '    }',
        '  }',
        '}',
        '',
        'provider "aws" {',
        `  region = ${hclString(ctx.region)}`,
        '}',
        '',
      ].join('\n'),
    },
    { path: 'main.tf', content: `${header}\n\n${blocks.join('\n\n')}\n` },
    {
      path: 'imports.tf',
      content: `# One import block per resource (Terraform >= 1.5). Once \`terraform apply\` has imported them, this file can go.\n\n${imports.map((i) => `import {\n  to = ${i.address}\n  id = ${hclString(i.id)}\n}`).join('\n\n')}\n`,
    },
  ];
  if (r.secrets.size > 0) {
    files.push({
      path: 'variables.tf',
      content: [...r.secrets.values()].map((s) => `# Never written by secure-api: set it with TF_VAR_${s.name} or a *.tfvars file kept out of version control.\nvariable "${s.name}" {\n  description = ${hclString(s.description)}\n  type        = string\n  sensitive   = true\n}\n`).join('\n'),
    });
  }
  if (src.ours.some((n) => n.kind === 'lambda-function')) {
    files.push({ path: FUNCTION_ZIP, content: buildSampleFunctionZip() });
    files.push({ path: `${FUNCTION_DIR}/${SAMPLE_FILE}`, content: SAMPLE_FUNCTION_SOURCE });
  }
  return { files, imports, variables: [...r.secrets.keys()], notes: src.notes };
}
