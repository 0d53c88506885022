/**
 * The memory scenario's child runs as plain JavaScript: under tsx the loader's own thread adds ~35 MB of RSS that
 * is not the CLI's. This transpiles bench/init-child.ts and the fake (no type check) into node_modules/.cache.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'node_modules', '.cache', 'secure-api-bench');

/** Returns the path of the compiled child entry. */
export function compileMemoryChild(): string {
  const fakes = join(ROOT, 'test', 'fakes');
  const sources = [
    join(ROOT, 'bench', 'init-child.ts'),
    ...readdirSync(fakes).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => join(fakes, f)),
  ];
  for (const file of sources) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
    });
    const out = join(OUT, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  // Under node_modules no package.json of ours applies: say these are ES modules.
  writeFileSync(join(OUT, 'package.json'), '{ "type": "module" }\n');
  return join(OUT, 'bench', 'init-child.js');
}
