import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where `npm run bench` compiles lib/ and the HTTP bench app (app/): test/bench/tsconfig.json's
 * outDir, laid out like the repository (lib/..., test/bench/app/...).
 */
export const BUILD = fileURLToPath(new URL('../../../node_modules/.cache/nestjs-pool-bench/', import.meta.url));

/**
 * Makes the build a package named `nestjs-pool`: ESM like lib, and the bench app's
 * `import ... from 'nestjs-pool'` resolves (as a self-reference) to the lib built next to it.
 */
export function markBuildAsModule() {
  const pkg = { name: 'nestjs-pool', type: 'module', exports: { '.': './lib/index.js', './worker': './lib/worker/index.js' } };
  writeFileSync(`${BUILD}package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
}
