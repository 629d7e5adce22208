import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A worker module runs under plain Node, outside jest's module mapping, so `import ... from
 * 'nestjs-pool/worker'` in it needs the built package. This builds just that entry (and what it
 * imports) from lib/ into `<tmp>/node_modules/nestjs-pool/dist` next to the real package.json, and
 * copies the given fixtures into `<tmp>`, where they resolve the package as an installed one.
 */
export async function installWorkerPackage(fixtures: readonly string[]): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'nestjs-pool-worker-'));
  const pkg = join(dir, 'node_modules', 'nestjs-pool');
  await mkdir(pkg, { recursive: true });
  await copyFile(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  const pending = [join(ROOT, 'lib', 'worker', 'index.ts')];
  const done = new Set<string>();
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    const out = join(pkg, 'dist', relative(join(ROOT, 'lib'), file).replace(/\.ts$/, '.js'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
    // Relative imports end in .js and name .ts sources; type-only ones are gone from the output.
    for (const [, specifier] of outputText.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      pending.push(resolve(dirname(file), `${specifier}.ts`));
    }
  }
  for (const fixture of fixtures) {
    await copyFile(join(import.meta.dirname, 'fixtures', fixture), join(dir, fixture));
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
