import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { countOf } from '../ui/count.js';
import { dirname, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { exportCdk } from '../export/cdk.js';
import { exportOpenApi } from '../export/openapi.js';
import { exportSource } from '../export/source.js';
import { exportTerraform, type ExportFile } from '../export/terraform.js';
import { checkCommon, makeUi, type CommandEnv } from './env.js';
import type { ExportOptions } from './export.js';
import { loadStack } from './stack-state.js';

export const IAC_FORMATS = ['terraform', 'cdk', 'openapi'] as const;
export type IacFormat = (typeof IAC_FORMATS)[number];

/**
 * Write the files, refusing (exit 2, nothing written) when one of them already exists with other content: an export
 * never overwrites a file of the user's. The same export again is fine.
 */
function writeAll(root: string, files: ExportFile[]): string[] {
  const targets = files.map((f) => ({ ...f, abs: resolve(root, f.path) }));
  const clash = targets.filter((f) => existsSync(f.abs) && !Buffer.from(readFileSync(f.abs)).equals(Buffer.from(f.content)));
  if (clash.length > 0) {
    throw new UsageError(`${clash.map((f) => f.abs).join(', ')} already ${clash.length > 1 ? 'exist' : 'exists'} with other content; the export overwrites nothing`,
      'Choose another --out (a new directory), or move those files away first.', 'EXPORT_WOULD_OVERWRITE');
  }
  for (const f of targets) {
    mkdirSync(dirname(f.abs), { recursive: true });
    writeFileSync(f.abs, f.content, { mode: 0o644 });
  }
  return targets.map((f) => f.abs);
}

/** `export terraform|cdk|openapi`: from the state file only (no AWS call, no secret). */
export async function runIacExport(format: IacFormat, o: ExportOptions, env: CommandEnv): Promise<number> {
  checkCommon(o);
  const ui = await makeUi(env, o.json);
  const loaded = await loadStack(o, env);
  const reach = loaded.backend?.args ?? '';
  const src = exportSource(loaded.state, reach);
  const stack = loaded.stack;
  if (format === 'openapi') {
    const doc = exportOpenApi(src);
    const text = JSON.stringify(doc.document, null, 2) + '\n';
    if (o.out === undefined) {
      if (ui.mode === 'json') ui.json({ stack, format, document: doc.document, notes: doc.notes });
      else env.stdout.write(text);
      return 0;
    }
    const file = resolve(env.cwd, o.out);
    writeAll(dirname(file), [{ path: file, content: text }]);
    if (ui.mode === 'json') ui.json({ stack, format, files: [file], notes: doc.notes });
    else {
      ui.out(file);
      for (const n of doc.notes) ui.reporter.info(n);
      ui.reporter.info(`Next: aws apigateway put-rest-api --rest-api-id ${src.ctx.ref('api', 'apiId').literal} --mode overwrite --body fileb://${relative(env.cwd, file) || file}`
        + ' (or give it to SAM as DefinitionBody, or to the Serverless Framework).');
    }
    return 0;
  }
  const dir = resolve(env.cwd, o.out ?? `${stack}-${format}`);
  if (format === 'terraform') {
    const tf = exportTerraform(src);
    const written = writeAll(dir, tf.files);
    if (ui.mode === 'json') ui.json({ stack, format, dir, files: written, imports: tf.imports, variables: tf.variables, notes: tf.notes });
    else {
      ui.out(dir);
      ui.reporter.info(`${countOf(tf.imports.length, 'resource')}, each with an import block (imports.tf).`);
      for (const n of tf.notes) ui.reporter.info(`Left out: ${n}`);
      if (tf.variables.length) ui.reporter.info(`Secrets are variables (variables.tf), never written: set ${tf.variables.map((v) => `TF_VAR_${v}`).join(', ')}.`);
      ui.reporter.info(`Next: secure-api forget --stack ${stack}${reach} (secure-api lets go), then cd ${relative(env.cwd, dir) || '.'} && terraform init && terraform plan (only imports), terraform apply.`);
    }
    return 0;
  }
  const cdk = exportCdk(src);
  const written = writeAll(dir, cdk.files);
  if (ui.mode === 'json') ui.json({ stack, format, dir, files: written, mapping: cdk.mapping, notImported: cdk.notImported, notes: cdk.notes });
  else {
    ui.out(dir);
    ui.reporter.info(`${countOf(Object.keys(cdk.mapping).length, 'resource')} in resource-mapping.json.`);
    for (const n of cdk.notImported) ui.reporter.info(`Not importable: ${n.logicalId} (${n.type}): ${n.why}`);
    for (const n of cdk.notes) ui.reporter.info(`Left out: ${n}`);
    ui.reporter.info(`Next: secure-api forget --stack ${stack}${reach}, then cd ${relative(env.cwd, dir) || '.'} && npm install && npx cdk import --resource-mapping resource-mapping.json, then npx cdk deploy.`);
  }
  return 0;
}
