/**
 * One measurement in a fresh process: `node child.mjs <scenario file> <variant|-> <contender>`.
 * Prints the scenario's result as one JSON line. Run it directly to profile one contender:
 *   node --cpu-prof test/bench/child.mjs test/bench/scenarios/1-uncontended.mjs - ours
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { registries } from './contenders/index.mjs';

const [file, variant, name] = process.argv.slice(2);
const { scenario } = await import(pathToFileURL(resolve(file)).href);
const contenders = registries[scenario.kind ?? 'pool'];
const load = contenders[name];
if (load === undefined) throw new Error(`unknown contender "${name}" (known: ${Object.keys(contenders).join(', ')})`);
const { create } = await load();
const result = await scenario.run(create, variant === '-' ? undefined : variant);
process.stdout.write(`${JSON.stringify(result)}\n`);
// Pools keep timers (timeouts, idle checks); the measurement is done, so do not wait for them.
process.exit(0);
