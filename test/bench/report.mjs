import { summarize } from './stats.mjs';

const SUBJECT = 'ours';

const FORMATS = {
  rate: (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : `${digits(v / 1e3)}k`),
  ms: (v) => `${digits(v)} ms`,
  us: (v) => `${digits(v)} µs`,
  bytes: (v) => (v >= 10_240 ? `${digits(v / 1024)} KB` : `${v.toFixed(0)} B`),
  count: (v) => `${Math.round(v)}`,
};

function digits(v) {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/**
 * The header, then one markdown table per kind of scenario (pools, threads, HTTP: each has its
 * own contenders): a row per scenario metric, a column per contender (median and min–max of the
 * runs), then ours ÷ each other contender (on medians), then the issue's targets; then the
 * targets missed and the failed runs.
 * `sections`: [{ label, scenario, targets, contenders, samples: { [contender]: { [metric]: number[] } }, errors }]
 */
export function renderReport(sections, header) {
  const lines = [...header];
  const missed = [];
  for (const kind of unique(sections.map((s) => s.scenario.kind ?? 'pool'))) {
    lines.push('', ...renderTable(sections.filter((s) => (s.scenario.kind ?? 'pool') === kind), missed));
  }
  lines.push('', missed.length === 0 ? 'All targets met.' : `Targets missed:\n${missed.map((m) => `- ${m}`).join('\n')}`);
  const errors = sections.flatMap((s) => s.errors.map((e) => `- ${s.label}, ${e}`));
  if (errors.length > 0) lines.push('', 'Failed runs:', ...errors);
  return lines.join('\n');
}

function renderTable(sections, missed) {
  const names = unique(sections.flatMap((s) => s.contenders));
  const peers = names.filter((n) => n !== SUBJECT);
  const lines = [
    `| Scenario | Metric | ${names.join(' | ')} | ${peers.map((p) => `ours ÷ ${p}`).join(' | ')} | Target |`,
    `|---|---|${names.map(() => '--:').join('|')}|${peers.map(() => '--:').join('|')}|---|`,
  ];
  for (const section of sections) {
    let first = true;
    for (const [key, metric] of Object.entries(section.scenario.metrics)) {
      const stats = Object.fromEntries(
        section.contenders
          .filter((n) => section.samples[n]?.[key]?.length > 0)
          .map((n) => [n, summarize(section.samples[n][key])]),
      );
      const format = FORMATS[metric.format];
      const cells = names.map((n) => {
        if (!section.contenders.includes(n)) return '–';
        if (stats[n] === undefined) return 'error';
        const { median, min, max } = stats[n];
        return `${format(median)} (${format(min)}–${format(max)})`;
      });
      const ratios = peers.map((p) => {
        const r = ratio(stats[SUBJECT], stats[p]);
        return metric.ratio === false || r === undefined ? '–' : `${r.toFixed(2)}×`;
      });
      const targets = section.targets
        .filter((t) => t.metric === key)
        .map((t) => {
          const verdict = judge(t, stats, format);
          if (!verdict.met) missed.push(`${section.label}, ${metric.label}: ${verdict.text}`);
          return `${verdict.text} ${verdict.met ? 'met' : '**MISSED**'}`;
        });
      const arrow = metric.better === 'higher' ? '↑' : '↓';
      lines.push(
        `| ${first ? section.label : ''} | ${metric.label} ${arrow} | ${cells.join(' | ')} | ${ratios.join(' | ')} | ${targets.join('; ')} |`,
      );
      first = false;
    }
  }
  return lines;
}

function ratio(ours, peer) {
  if (ours === undefined || peer === undefined || peer.median === 0) return undefined;
  return ours.median / peer.median;
}

/** A target bounds ours (`max`, on the median unless `on: 'max'`) or ours ÷ a peer (`vs` with `min`). */
function judge(target, stats, format) {
  if (target.vs !== undefined) {
    const r = ratio(stats[SUBJECT], stats[target.vs]);
    const text = `≥ ${target.min}× ${target.vs}: ${r === undefined ? 'n/a' : `${r.toFixed(2)}×`}`;
    return { text, met: r !== undefined && r >= target.min };
  }
  // `on: 'max'`: the bound must hold in every run, not just the median one.
  const value = stats[SUBJECT]?.[target.on ?? 'median'];
  const worst = target.on === 'max' ? ' in every run' : '';
  const text = `≤ ${format(target.max)}${worst}: ${value === undefined ? 'n/a' : format(value)}`;
  return { text, met: value !== undefined && value <= target.max };
}

function unique(values) {
  return [...new Set(values)];
}
