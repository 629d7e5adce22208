/**
 * `npm run bench`: every scenario in scenarios/ (files `N-name.mjs`), every contender, each in a
 * fresh process, interleaved, BENCH_RUNS times; prints one markdown table to stdout (progress
 * goes to stderr). Filters: BENCH_SCENARIOS=1,2  BENCH_CONTENDERS=ours,floor  BENCH_RUNS=5 (each
 * scenario's own `runs`, else 5, when unset).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { markBuildAsModule } from './contenders/build.mjs';
import { registries } from './contenders/index.mjs';
import { renderReport } from './report.mjs';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const runsOverride = process.env.BENCH_RUNS === undefined ? undefined : Number(process.env.BENCH_RUNS);
const onlyScenarios = list(process.env.BENCH_SCENARIOS);
const onlyContenders = list(process.env.BENCH_CONTENDERS);
if (runsOverride !== undefined && !(runsOverride >= 1)) {
  throw new Error(`BENCH_RUNS must be a number >= 1, got ${process.env.BENCH_RUNS}`);
}
markBuildAsModule();

const files = readdirSync(join(here, 'scenarios'))
  .filter((f) => /^\d+-.*\.mjs$/.test(f))
  .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));

const startLoad = loadavg()[0];
const sections = [];
for (const file of files) {
  const id = String(parseInt(file, 10));
  if (onlyScenarios !== undefined && !onlyScenarios.includes(id)) continue;
  const path = join(here, 'scenarios', file);
  const { scenario } = await import(pathToFileURL(path).href);
  const names = contendersOf(scenario);
  const runs = runsOverride ?? scenario.runs ?? 5;
  for (const variant of scenario.variants ?? [undefined]) {
    const label = `${id}. ${scenario.title}${variant === undefined ? '' : `, ${variant.label}`}`;
    const samples = Object.fromEntries(names.map((n) => [n, {}]));
    const errors = [];
    for (let r = 0; r < runs; r++) {
      // Rotate the order each run, so no contender always runs on a cooler (or hotter) machine.
      for (const name of names.map((_, i) => names[(i + r) % names.length])) {
        const result = await measure(path, variant?.id, name, scenario.nodeFlags ?? []).catch((error) => {
          errors.push(`${name}: ${error.message.split('\n').find((l) => /Error/.test(l)) ?? error.message}`);
          return undefined;
        });
        if (result === undefined) continue;
        for (const [metric, value] of Object.entries(result)) (samples[name][metric] ??= []).push(value);
        process.stderr.write(`${label} | ${name} | run ${r + 1}/${runs} | ${JSON.stringify(result)}\n`);
      }
    }
    const targets = typeof scenario.targets === 'function' ? scenario.targets(variant?.id) : scenario.targets;
    sections.push({ label, scenario, targets, runs, contenders: names, samples, errors });
  }
}

console.log(
  renderReport(sections, [
    `Machine: ${availableParallelism()} cores, ${cpuModel()}, Node ${process.version}; ` +
      `load average ${startLoad.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end. Ours: ${engine()}.`,
    `Each cell: median (min–max) of ${runCounts()} runs, each in a fresh process, contenders interleaved. ` +
      `ours ÷ peer compares medians: above 1 is better for ↑ metrics, below 1 for ↓.`,
  ]),
);

/** The scenario's contenders, a prototype next to ours when BENCH_PROTO is set, filtered. */
function contendersOf(scenario) {
  const registry = registries[scenario.kind ?? 'pool'];
  const names = scenario.contenders.flatMap((n) => (n === 'ours' && registry.proto ? [n, 'proto'] : [n]));
  return names.filter((n) => onlyContenders === undefined || onlyContenders.includes(n));
}

async function measure(path, variant, name, flags) {
  const args = [...flags, join(here, 'child.mjs'), path, variant ?? '-', name];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/** "5", or "5 (scenario 6: 3)" when a scenario sets its own number of runs. */
function runCounts() {
  const usual = runsOverride ?? 5;
  const other = sections.filter((s) => s.runs !== usual).map((s) => `scenario ${parseInt(s.label, 10)}: ${s.runs}`);
  return other.length === 0 ? `${usual}` : `${usual} (${[...new Set(other)].join(', ')})`;
}

/** Which code `ours` was: a table is only comparable with the code it measured. */
function engine() {
  if (process.env.BENCH_OURS) return process.env.BENCH_OURS;
  const git = (...args) => execFileSync('git', args, { cwd: join(here, '../..'), encoding: 'utf8' }).trim();
  const at = (path) => {
    const dirty = git('status', '--porcelain', '--', path) !== '';
    return `${path} at ${git('log', '-1', '--format=%h', '--', path)}${dirty ? ' with uncommitted changes' : ''}`;
  };
  try {
    return ['lib/core', 'lib/workers', 'lib/interceptor'].map(at).join(', ');
  } catch {
    return 'lib';
  }
}

function cpuModel() {
  const match = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return match?.[1] ?? 'unknown CPU';
}

function list(value) {
  return value === undefined || value === '' ? undefined : value.split(',').map((s) => s.trim());
}
