import { createHash } from 'node:crypto';

/*
 * The observer's page: one HTML document with its style and script inline, so it works
 * offline and behind any proxy. It reads `{path}/events` and draws every pool from it.
 */

const STYLE = `
:root { --idle: #22a06b; --busy: #2f6fec; --overflow: #e8900c; --starting: #a3acb9; --dead: #d63b3b;
  --ink: #1d2330; --muted: #6b7385; --line: #e3e6ec; --card: #fff; --bg: #f4f5f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; align-items: center; gap: 16px; padding: 14px 24px; background: #1d2330; color: #fff; }
header h1 { margin: 0; font-size: 17px; font-weight: 600; letter-spacing: .2px; }
header h1 span { color: #9aa3b5; font-weight: 400; }
#connection { margin-left: auto; font-size: 12px; padding: 3px 10px; border-radius: 999px; background: #394155; }
#connection::before { content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 6px; border-radius: 50%; background: #a3acb9; }
#connection[data-state="live"]::before { background: #3ddc97; }
#connection[data-state="reconnecting"]::before { background: #f5b83d; }
.legend { display: flex; gap: 14px; padding: 10px 24px 0; color: var(--muted); font-size: 12px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; margin-right: 5px; border-radius: 3px; vertical-align: -1px; background: var(--idle); }
.legend [data-state="busy"]::before { background: var(--busy); }
.legend [data-state="overflow"]::before { background: var(--overflow); }
.legend [data-state="starting"]::before { background: var(--starting); }
.legend [data-state="dead"]::before { background: #fff; border: 2px dashed var(--dead); width: 6px; height: 6px; }
.legend [data-state="waiting"]::before { background: #8a5cf6; border-radius: 50%; }
#pools { display: grid; grid-template-columns: repeat(auto-fill, minmax(430px, 1fr)); gap: 16px; padding: 14px 24px 24px; }
.empty { color: var(--muted); padding: 24px; }
.pool { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(20, 30, 50, .05); }
.title { display: flex; align-items: center; gap: 10px; }
.title h2 { margin: 0; font-size: 16px; font-weight: 600; }
.state { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .5px; padding: 2px 8px; border-radius: 999px; background: #e8f6ef; color: #137a4f; }
.state[data-state="overflow"] { background: #fdf1e0; color: #9a5a00; }
.state[data-state="full"] { background: #fde7e7; color: #a82323; }
.state[data-state="starting"], .state[data-state="draining"], .state[data-state="stopped"] { background: #eceef2; color: #4b5263; }
.state[data-state="failed"] { background: #d63b3b; color: #fff; }
.stats { display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 10px; color: var(--muted); font-size: 12px; }
.stats b { color: var(--ink); font-weight: 600; }
.totals { margin: 8px 0 0; }
.tiles { display: flex; flex-wrap: wrap; gap: 6px; min-height: 38px; }
.tile { width: 38px; height: 38px; border-radius: 7px; display: flex; align-items: center; justify-content: center;
  font: 600 12px/1 ui-monospace, SFMono-Regular, Menlo, monospace; color: #fff; background: var(--idle); transition: background-color .15s; }
.tile[data-state="busy"] { background: var(--busy); }
.tile[data-state="overflow"] { background: var(--overflow); }
.tile[data-state="starting"] { background: repeating-linear-gradient(135deg, var(--starting) 0 6px, #c3c9d3 6px 12px); }
.tile[data-state="dead"] { background: #fff; color: var(--dead); border: 2px dashed var(--dead); }
.section { margin-top: 12px; font-size: 12px; color: var(--muted); display: flex; align-items: center; gap: 8px; }
.queue { display: flex; flex-wrap: wrap; gap: 3px; align-items: center; min-height: 12px; }
.waiter { width: 10px; height: 10px; border-radius: 50%; background: #8a5cf6; }
.chart { display: block; width: 100%; height: 64px; margin-top: 4px; background: #fafbfc; border: 1px solid var(--line); border-radius: 6px; }
.chart .max { fill: #8a5cf6; opacity: .35; }
.chart .mean { fill: #8a5cf6; }
.log { list-style: none; margin: 8px 0 0; padding: 0; font-size: 12px; color: var(--muted); }
.log li { padding: 2px 0; border-top: 1px solid var(--line); }
.log time { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; margin-right: 8px; color: #9aa3b5; }
`;

const SCRIPT = String.raw`
(function () {
  'use strict';
  var CHART_POINTS = 100;
  var MAX_DOTS = 40;
  var LOG_SIZE = 6;
  var MIN_SLOTS = 30;
  var root = document.getElementById('pools');
  var connection = document.getElementById('connection');
  var pools = new Map();

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(tag, attributes) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var key in attributes) node.setAttribute(key, attributes[key]);
    return node;
  }

  function entry(name) {
    var pool = pools.get(name);
    if (pool) return pool;
    var card = el('section', 'pool');
    card.dataset.pool = name;
    var title = el('div', 'title');
    title.append(el('h2', '', name));
    var state = el('span', 'state');
    title.append(state);
    var stats = el('div', 'stats');
    var tiles = el('div', 'tiles');
    var queueRow = el('div', 'section');
    queueRow.append(el('span', '', 'waiting'));
    var queue = el('div', 'queue');
    queueRow.append(queue);
    var chartRow = el('div', 'section');
    var chartLabel = el('span');
    chartRow.append(chartLabel);
    var chart = svg('svg', { class: 'chart', viewBox: '0 0 300 64', preserveAspectRatio: 'none' });
    var totals = el('div', 'stats totals');
    var log = el('ul', 'log');
    card.append(title, stats, tiles, queueRow, chartRow, chart, totals, log);
    var empty = root.querySelector('.empty');
    if (empty) empty.remove();
    root.append(card);
    pool = { card: card, state: state, stats: stats, totals: totals, tiles: tiles, queue: queue, chart: chart, chartLabel: chartLabel, log: log, series: [], events: [], data: null };
    pools.set(name, pool);
    return pool;
  }

  function remove(name) {
    var pool = pools.get(name);
    if (!pool) return;
    pool.card.remove();
    pools.delete(name);
    if (pools.size === 0) showEmpty();
  }

  function showEmpty() {
    root.replaceChildren(el('p', 'empty', 'No pool is registered.'));
  }

  function stat(label, value) {
    var node = el('span', '', label + ' ');
    node.append(el('b', '', String(value)));
    return node;
  }

  function render(pool) {
    var d = pool.data;
    pool.state.textContent = d.state;
    pool.state.dataset.state = d.state;
    pool.stats.replaceChildren(
      stat('size', d.size),
      stat('overflow', d.overflow + '/' + d.maxOverflow),
      stat('busy', d.busy),
      stat('idle', d.idle),
      stat('waiting', d.waiting),
      stat('restarts', d.restarts)
    );
    pool.totals.replaceChildren(
      stat('checkouts', d.totals.checkouts),
      stat('timeouts', d.totals.timeouts),
      stat('aborts', d.totals.aborts),
      stat('exits', d.totals.exits)
    );
    var tiles = d.workerStates.map(function (worker) {
      var tile = el('div', 'tile', worker.id === null ? '\u00b7' : String(worker.id));
      tile.dataset.state = worker.state;
      if (worker.id !== null) tile.dataset.workerId = String(worker.id);
      tile.title = (worker.id === null ? 'worker' : 'worker ' + worker.id) + ': ' + worker.state + (worker.reason ? ' (' + worker.reason + ')' : '');
      return tile;
    });
    pool.tiles.replaceChildren.apply(pool.tiles, tiles);
    var dots = [];
    for (var i = 0; i < Math.min(d.waiting, MAX_DOTS); i++) dots.push(el('span', 'waiter'));
    if (d.waiting > MAX_DOTS) dots.push(el('span', '', '+' + (d.waiting - MAX_DOTS)));
    if (d.waiting === 0) dots.push(el('span', '', 'nobody'));
    pool.queue.replaceChildren.apply(pool.queue, dots);
    pool.queue.dataset.waiting = String(d.waiting);
    renderLog(pool);
    renderChart(pool);
  }

  function describe(event) {
    switch (event.type) {
      case 'workerExit': return 'worker ' + event.workerId + ' exited: ' + event.reason;
      case 'workerRestart': return 'restart #' + event.restarts;
      case 'createError': return 'create failed (attempt ' + event.attempt + ')';
      case 'destroyError': return 'destroy of worker ' + event.workerId + ' failed';
      case 'timeout': return 'a client timed out after ' + event.timeout + ' ms';
      case 'abort': return 'a waiting client left';
      case 'leaseTimeout': return 'worker ' + event.workerId + ' held past leaseTimeout';
      case 'stateChange': return event.previous + ' \u2192 ' + event.state;
      default: return null;
    }
  }

  function renderLog(pool) {
    pool.log.replaceChildren.apply(pool.log, pool.events.map(function (event) {
      var item = el('li');
      item.append(el('time', '', new Date(event.at).toLocaleTimeString()), describe(event));
      return item;
    }));
  }

  /** One bar per update that granted checkouts, newest on the right: mean in front, max behind. */
  function renderChart(pool) {
    var points = pool.series;
    var slot = 300 / Math.max(points.length, MIN_SLOTS);
    var top = 0;
    points.forEach(function (point) { top = Math.max(top, point.max); });
    var bars = [];
    points.forEach(function (point, i) {
      var x = (300 - slot * (points.length - i)).toFixed(1);
      var width = (slot * 0.8).toFixed(1);
      var h = Math.max(1, top > 0 ? 60 * point.max / top : 0);
      var m = Math.max(1, top > 0 ? 60 * point.mean / top : 0);
      bars.push(svg('rect', { class: 'max', x: x, y: (62 - h).toFixed(1), width: width, height: h.toFixed(1) }));
      bars.push(svg('rect', { class: 'mean', x: x, y: (62 - m).toFixed(1), width: width, height: m.toFixed(1) }));
    });
    pool.chart.replaceChildren.apply(pool.chart, bars);
    pool.chartLabel.textContent = points.length === 0
      ? 'wait time: no checkout yet'
      : 'wait time, mean and max per update: up to ' + top + ' ms';
  }

  function onSnapshot(message) {
    var snapshot = JSON.parse(message.data);
    var names = new Set(snapshot.pools.map(function (pool) { return pool.name; }));
    Array.from(pools.keys()).forEach(function (name) { if (!names.has(name)) remove(name); });
    if (snapshot.pools.length === 0) showEmpty();
    snapshot.pools.forEach(function (data) {
      var pool = entry(data.name);
      pool.data = data;
      render(pool);
    });
  }

  function onUpdate(message) {
    var update = JSON.parse(message.data);
    update.pools.forEach(function (change) {
      var pool = entry(change.pool.name);
      pool.data = change.pool;
      if (change.wait) pool.series.push({ mean: change.wait.mean, max: change.wait.max });
      if (pool.series.length > CHART_POINTS) pool.series.shift();
      change.events.forEach(function (event) {
        if (describe(event) !== null) pool.events.unshift(event);
      });
      pool.events.length = Math.min(pool.events.length, LOG_SIZE);
      render(pool);
    });
    update.removed.forEach(remove);
  }

  var source = new EventSource(location.pathname.replace(/\/ui\/?$/, '/events'));
  source.addEventListener('snapshot', onSnapshot);
  source.addEventListener('update', onUpdate);
  source.onopen = function () { connection.dataset.state = 'live'; connection.textContent = 'live'; };
  source.onerror = function () {
    var closed = source.readyState === EventSource.CLOSED;
    connection.dataset.state = closed ? 'closed' : 'reconnecting';
    connection.textContent = closed ? 'disconnected' : 'reconnecting';
  };
})();
`;

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Only this page's own style and script run; it talks to its own origin and nothing else. */
export const POOL_OBSERVER_CSP = [
  "default-src 'none'",
  `script-src ${sha256(SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const POOL_OBSERVER_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pool observer</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>nestjs-pool <span>observer</span></h1><span id="connection" data-state="connecting">connecting</span></header>
<div class="legend">
<span data-state="idle">idle</span><span data-state="busy">busy</span><span data-state="overflow">overflow (busy past size)</span><span data-state="starting">starting</span><span data-state="dead">dead</span><span data-state="waiting">waiting client</span>
</div>
<main id="pools"></main>
<script>${SCRIPT}</script>
</body>
</html>
`;
