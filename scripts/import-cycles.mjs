// Runtime import circles in src/: `node scripts/import-cycles.mjs` lists each circle (strongly connected set of
// modules joined by value imports) and exits 1 when there is one. Type-only imports (`import type`, or an import
// whose every name is `type X`) vanish at compile time and are not edges; dynamic `import()` is lazy and not an edge.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? 'src');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return files(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** The value imports (and re-exports) of one module, resolved to files under root. */
function runtimeImports(file) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const out = [];
  for (const st of src.statements) {
    let spec;
    if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      if (onlyTypes) continue;
      spec = st.moduleSpecifier;
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier) {
      if (st.isTypeOnly) continue;
      const clause = st.exportClause;
      if (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)) continue;
      spec = st.moduleSpecifier;
    }
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) continue;
    out.push(resolve(dirname(file), spec.text.replace(/\.js$/, '.ts')));
  }
  return out;
}

const all = files(root);
const known = new Set(all);
const edges = new Map(all.map((f) => [f, runtimeImports(f).filter((t) => known.has(t))]));

// Tarjan's strongly connected components; a component of two or more modules is a circle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const circles = [];
function connect(v) {
  idx.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)) {
    if (!idx.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || edges.get(v).includes(v)) circles.push(comp);
  }
}
for (const f of all) if (!idx.has(f)) connect(f);

const name = (f) => relative(process.cwd(), f);
if (circles.length === 0) {
  console.log(`no runtime import circles in ${name(root)} (${all.length} modules)`);
} else {
  for (const comp of circles) {
    const members = new Set(comp);
    console.log(`circle of ${comp.length}:`);
    for (const f of comp.sort()) {
      const inner = edges.get(f).filter((t) => members.has(t)).map(name);
      console.log(`  ${name(f)} -> ${inner.join(', ')}`);
    }
  }
  console.log(`${circles.length} runtime import circle(s) in ${name(root)}`);
  process.exitCode = 1;
}
