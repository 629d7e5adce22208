import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const SAMPLE_MAIN = join(ROOT, 'dist-sample', 'main.js');
const LIB_MAIN = join(ROOT, 'dist', 'index.js');
const SOURCES = ['lib', 'sample', 'package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.sample.json', 'nest-cli.json'];

/**
 * Builds the sample as `npm start` does (`tsc -p tsconfig.build.json` for the package the sample
 * imports by name, then `nest build`), unless dist/ and dist-sample/ are newer than every source.
 */
export async function buildSample(): Promise<void> {
  const built = Math.min(await mtime(LIB_MAIN), await mtime(SAMPLE_MAIN));
  const sources = Math.max(...(await Promise.all(SOURCES.map((source) => newest(join(ROOT, source))))));
  if (sources < built) return;
  const run = promisify(execFile);
  await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
  await run(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build'], { cwd: ROOT });
}

async function mtime(path: string): Promise<number> {
  return stat(path).then(
    (stats) => stats.mtimeMs,
    () => 0,
  );
}

/** The newest modification time of a file, or of any file under a folder. */
async function newest(path: string): Promise<number> {
  const stats = await stat(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const times = await Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => mtime(join(entry.parentPath, entry.name))));
  return Math.max(stats.mtimeMs, ...times);
}
