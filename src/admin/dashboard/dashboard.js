// Yoke's dashboard: polls /api/v1/stats every second, keeps the last minute of samples, and
// draws rates and latency percentiles from the differences between samples (the server keeps
// no previous sample: docs/dashboard.md). Plain DOM and canvas, no library.
'use strict';

const POLL_MS = 1000;
const KEEP = 61;        // samples kept: one minute of one-second steps
const WINDOW = 5;       // table figures: the last five seconds (steadier than one)
const STALE_MS = 3500;  // no answer for this long: the page says so
const PALETTE = ['#58a6ff', '#3fb950', '#d2a8ff', '#ff7b72', '#e3b341', '#39c5cf', '#f778ba',
  '#a5d6ff', '#7ee787', '#ffa657'];
const SEVERITY = { down: 0, checking: 1, draining: 2, up: 3 };

const samples = [];   // parsed /api/v1/stats bodies, oldest first
let lastAnswer = 0;   // Date.now() of the last good answer
let runtimeApi = 'unknown';  // 'unknown' | 'available' | 'unavailable'
const $ = (id) => document.getElementById(id);

// ---- token (sessionStorage: asked once per tab, gone when the tab closes) ----

function token() { return sessionStorage.getItem('yoke-admin-token') || ''; }

function authHeaders(extra) {
  const headers = Object.assign({}, extra || {});
  if (token()) headers.Authorization = 'Bearer ' + token();
  return headers;
}

function askForToken(message) {
  $('token-form').hidden = false;
  $('token-error').textContent = message || '';
  $('token').focus();
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('yoke-admin-token', $('token').value.trim());
  $('token-form').hidden = true;
  poll();
});

// ---- numbers ----

// Prometheus' histogram_quantile rule (src/observe/histogram_quantile.cc does the same).
function quantile(q, bounds, buckets) {
  const count = buckets.reduce((a, b) => a + b, 0);
  if (count === 0) return null;
  const rank = q * count;
  let below = 0;
  for (let i = 0; i < buckets.length; i++) {
    if (buckets[i] > 0 && below + buckets[i] >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const lower = i === 0 ? 0 : bounds[i - 1];
      return lower + (bounds[i] - lower) * (rank - below) / buckets[i];
    }
    below += buckets[i];
  }
  return bounds[bounds.length - 1];
}

function bucketDelta(newer, older) {
  return newer.buckets.map((n, i) => Math.max(0, n - (older ? older.buckets[i] : 0)));
}

function seconds(newer, older) {
  return Math.max(1e-3, newer.monotonic_seconds - older.monotonic_seconds);
}

function sumClasses(responses, classes) {
  return classes.reduce((total, c) => total + (responses[c] || 0), 0);
}

function formatRate(value) {
  if (value === null || value === undefined) return '–';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function formatSeconds(value) {
  if (value === null || value === undefined) return '–';
  if (value < 1e-3) return (value * 1e6).toFixed(0) + ' µs';
  if (value < 1) return (value * 1e3).toFixed(value < 0.01 ? 2 : 1) + ' ms';
  return value.toFixed(2) + ' s';
}

function formatPercent(value) {
  return value === null ? '–' : (value * 100).toFixed(value < 0.1 ? 2 : 1) + ' %';
}

// ---- figures from samples ----

function findServer(sample, upstream, address) {
  const u = sample.upstreams.find((x) => x.name === upstream);
  return u ? u.servers.find((s) => s.address === address) : undefined;
}

// Per-step series (one value per pair of neighbouring samples) for charts.
function stepSeries(read) {
  const values = [];
  for (let i = 1; i < samples.length; i++) values.push(read(samples[i], samples[i - 1]));
  return values;
}

function totals(newer, older) {
  const dt = seconds(newer, older);
  const requests = newer.totals.requests - older.totals.requests;
  const errors5 = sumClasses(newer.totals.responses, ['5xx']) -
    sumClasses(older.totals.responses, ['5xx']);
  const errors4 = sumClasses(newer.totals.responses, ['4xx']) -
    sumClasses(older.totals.responses, ['4xx']);
  const tlsCount = newer.totals.tls.handshakes - older.totals.tls.handshakes;
  const tlsSum = newer.totals.tls.handshake_seconds_sum - older.totals.tls.handshake_seconds_sum;
  return {
    rps: requests / dt,
    errorRatio: requests > 0 ? errors5 / requests : 0,
    clientErrorRatio: requests > 0 ? errors4 / requests : 0,
    handshakesPerSecond: tlsCount / dt,
    handshakeMean: tlsCount > 0 ? tlsSum / tlsCount : null,
  };
}

function serverFigures(upstream, server, newer, older) {
  const before = findServer(older, upstream, server.address);
  const dt = seconds(newer, older);
  const requests = server.requests - (before ? before.requests : 0);
  const errors = sumClasses(server.responses, ['5xx']) -
    (before ? sumClasses(before.responses, ['5xx']) : 0);
  const delta = bucketDelta(server.response_time, before && before.response_time);
  const bounds = newer.latency_bounds_seconds;
  return {
    rps: requests / dt,
    requests,
    errorsPerSecond: errors / dt,
    p50: quantile(0.5, bounds, delta),
    p99: quantile(0.99, bounds, delta),
  };
}

// ---- drawing ----

function drawChart(canvas, lines, format) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth, height = canvas.clientHeight;
  if (canvas.width !== width * ratio) canvas.width = width * ratio;
  if (canvas.height !== height * ratio) canvas.height = height * ratio;
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);
  let max = 0;
  for (const line of lines) for (const v of line.values) if (v !== null && v > max) max = v;
  const top = max > 0 ? max * 1.1 : 1;
  const steps = KEEP - 1;
  g.strokeStyle = '#2a3642';
  g.lineWidth = 1;
  g.beginPath();
  g.moveTo(0, height - 0.5);
  g.lineTo(width, height - 0.5);
  g.stroke();
  for (const line of lines) {
    g.strokeStyle = line.color;
    g.lineWidth = 1.5;
    g.beginPath();
    let drawing = false;
    const offset = steps - line.values.length;
    line.values.forEach((v, i) => {
      if (v === null) { drawing = false; return; }
      const x = (offset + i) / steps * width;
      const y = height - 2 - (v / top) * (height - 4);
      if (drawing) g.lineTo(x, y); else g.moveTo(x, y);
      drawing = true;
    });
    g.stroke();
  }
  if (format) {
    g.fillStyle = '#8a99a8';
    g.font = '11px system-ui, sans-serif';
    g.fillText(format(max), 4, 12);
  }
}

function card(id, label) {
  let element = $(id);
  if (!element) {
    element = document.createElement('div');
    element.className = 'card';
    element.id = id;
    element.innerHTML = '<div class="label"></div><div class="value"></div><canvas></canvas>';
    element.querySelector('.label').textContent = label;
    $('totals').appendChild(element);
  }
  return element;
}

function renderTotals(latest, previous, windowStart) {
  const now = totals(latest, windowStart);
  const body = document.body.dataset;
  body.totalRps = now.rps.toFixed(3);
  body.errorRatio = now.errorRatio.toFixed(5);
  body.connectionsOpen = String(latest.totals.connections.open);
  const cards = [
    ['card-rps', 'requests / s', formatRate(now.rps), (n, o) => totals(n, o).rps, formatRate],
    ['card-errors', '5xx ratio', formatPercent(now.errorRatio),
      (n, o) => totals(n, o).errorRatio, formatPercent],
    ['card-connections', 'client connections open', String(latest.totals.connections.open),
      (n) => n.totals.connections.open, String],
    ['card-tls', 'TLS handshake (mean) · handshakes/s',
      latest.totals.tls.handshakes === 0 ? 'none'
        : formatSeconds(now.handshakeMean) + ' · ' + formatRate(now.handshakesPerSecond),
      (n, o) => totals(n, o).handshakeMean, formatSeconds],
  ];
  for (const [id, label, text, read, format] of cards) {
    const element = card(id, label);
    element.querySelector('.value').textContent = text;
    element.classList.toggle('bad', id === 'card-errors' && now.errorRatio > 0.01);
    drawChart(element.querySelector('canvas'), [{ color: '#58a6ff', values: stepSeries(read) }],
      format);
  }
  $('card-tls').dataset.handshakeMean = now.handshakeMean === null ? '' : String(now.handshakeMean);
}

function upstreamSection(name) {
  const id = 'upstream-' + name;
  let section = document.getElementById(id);
  if (!section) {
    section = document.createElement('section');
    section.className = 'upstream';
    section.id = id;
    section.dataset.upstream = name;
    section.innerHTML =
      '<h2><span class="name"></span><span class="summary"></span></h2>' +
      '<div class="charts"><div class="chart"><div class="label">requests / s per server</div>' +
      '<canvas class="rps"></canvas></div><div class="chart"><div class="label">p99 latency ' +
      'per server (per second)</div><canvas class="p99"></canvas></div></div>' +
      '<table><thead><tr><th>server</th><th>state</th><th>weight</th><th>req/s</th>' +
      '<th>share</th><th>in flight</th><th>p50</th><th>p99</th><th>5xx/s</th>' +
      '<th>health checks</th><th></th></tr></thead><tbody></tbody></table>';
    section.querySelector('.name').textContent = name;
    $('upstreams').appendChild(section);
  }
  return section;
}

function median(values) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;  // the lower one
}

function checksCell(checks) {
  if (!checks) return '<span class="muted">none</span>';
  const marks = checks.recent.slice(-20).map((ok) => ok ? '<i></i>' : '<i class="fail"></i>');
  return '<span class="checks" title="last checks, newest right">' + marks.join('') + '</span>';
}

function serverRow(upstream, server, figures, share, color, slow) {
  const row = document.createElement('tr');
  row.className = (server.state === 'down' ? 'down ' : '') + (slow ? 'slow' : '');
  Object.assign(row.dataset, {
    upstream, server: server.address, state: server.state, rps: figures.rps.toFixed(3),
    share: share.toFixed(4), inFlight: String(server.in_flight),
    p50: figures.p50 === null ? '' : String(figures.p50),
    p99: figures.p99 === null ? '' : String(figures.p99),
    checks: server.health_checks ? String(server.health_checks.total) : '0',
    slow: slow ? '1' : '0',
  });
  const weight = server.effective_weight === server.weight ? String(server.weight)
    : server.effective_weight + ' / ' + server.weight;
  const draining = server.state === 'draining';
  row.innerHTML =
    '<td><span class="swatch"></span><span class="address"></span></td>' +
    '<td><span class="state state-' + server.state + '"></span></td>' +
    '<td>' + weight + '</td><td>' + formatRate(figures.rps) + '</td>' +
    '<td><span class="share"><i style="width:' + (share * 100).toFixed(1) + '%"></i></span>' +
    formatPercent(share) + '</td><td>' + server.in_flight + '</td>' +
    '<td class="latency">' + formatSeconds(figures.p50) + '</td>' +
    '<td class="latency">' + formatSeconds(figures.p99) + '</td>' +
    '<td>' + formatRate(figures.errorsPerSecond) + '</td><td>' +
    checksCell(server.health_checks) + '</td>' +
    '<td><button type="button" class="drain"></button></td>';
  row.querySelector('.swatch').style.background = color;
  row.querySelector('.address').textContent = server.address;
  row.querySelector('.address').title = server.name;
  const state = row.querySelector('.state');
  state.textContent = server.state;
  state.title = server.state_reason || '';
  const button = row.querySelector('.drain');
  button.textContent = draining ? 'enable' : 'drain';
  button.disabled = runtimeApi === 'unavailable';
  button.addEventListener('click', () => setDrain(upstream, server, !draining));
  return row;
}

function renderUpstream(upstream, latest, windowStart) {
  const section = upstreamSection(upstream.name);
  const figures = upstream.servers.map((s) => serverFigures(upstream.name, s, latest, windowStart));
  const requests = figures.reduce((total, f) => total + f.requests, 0);
  const typical = median(figures.map((f) => f.p99));
  const colors = new Map(upstream.servers.map((s, i) => [s.address, PALETTE[i % PALETTE.length]]));
  const order = upstream.servers.map((s, i) => i).sort((a, b) =>
    (SEVERITY[upstream.servers[a].state] - SEVERITY[upstream.servers[b].state]) ||
    ((figures[b].p99 || 0) - (figures[a].p99 || 0)) || a - b);
  const body = section.querySelector('tbody');
  body.replaceChildren(...order.map((i) => {
    const server = upstream.servers[i];
    const slow = typical !== null && figures[i].p99 !== null && upstream.servers.length > 1 &&
      figures[i].p99 > 2 * typical && figures[i].p99 - typical > 0.001;
    const share = requests > 0 ? figures[i].requests / requests : 0;
    return serverRow(upstream.name, server, figures[i], share, colors.get(server.address), slow);
  }));
  const healthy = upstream.servers.filter((s) => s.state === 'up').length;
  section.classList.toggle('no-healthy', healthy === 0);
  section.dataset.healthy = String(healthy);
  section.querySelector('.summary').textContent = healthy + ' of ' + upstream.servers.length +
    ' up · ' + formatRate(requests / seconds(latest, windowStart)) + ' req/s';
  const lines = (read) => upstream.servers.map((s) => ({
    color: colors.get(s.address),
    values: stepSeries((n, o) => {
      const server = findServer(n, upstream.name, s.address);
      return server ? read(serverFigures(upstream.name, server, n, o)) : null;
    }),
  }));
  drawChart(section.querySelector('canvas.rps'), lines((f) => f.rps), formatRate);
  drawChart(section.querySelector('canvas.p99'), lines((f) => f.p99), formatSeconds);
}

function render() {
  const latest = samples[samples.length - 1];
  $('version').textContent = 'version ' + latest.version + ' · ' + latest.workers + ' workers';
  if (samples.length < 2) return;
  const windowStart = samples[Math.max(0, samples.length - 1 - WINDOW)];
  $('window').textContent = String(Math.round(seconds(latest, windowStart)));
  renderTotals(latest, samples[samples.length - 2], windowStart);
  for (const upstream of latest.upstreams) renderUpstream(upstream, latest, windowStart);
  for (const section of document.querySelectorAll('section.upstream')) {
    if (!latest.upstreams.some((u) => u.name === section.dataset.upstream)) section.remove();
  }
  document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
}

// ---- drain / enable through the runtime API (PATCH, docs/admin-api.md) ----

async function setDrain(upstream, server, drain) {
  const path = '/api/v1/upstreams/' + encodeURIComponent(upstream) + '/servers/' + server.id;
  let response;
  try {
    response = await fetch(path, {
      method: 'PATCH', headers: authHeaders({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ drain }),
    });
  } catch (error) {
    notice('drain request failed: ' + error.message);
    return;
  }
  if (response.status === 404 || response.status === 405) {
    runtimeApi = 'unavailable';
    document.body.dataset.runtimeApi = runtimeApi;
    notice('runtime API unavailable: this Yoke cannot drain servers from the dashboard');
    for (const button of document.querySelectorAll('button.drain')) button.disabled = true;
    return;
  }
  if (!response.ok) {
    notice((drain ? 'drain' : 'enable') + ' of ' + server.address + ' refused: ' +
      response.status + ' ' + (await response.text()).trim());
    return;
  }
  runtimeApi = 'available';
  document.body.dataset.runtimeApi = runtimeApi;
  notice(server.address + (drain ? ' draining' : ' enabled'));
  poll();
}

function notice(text) { $('notice').textContent = text; }

// ---- polling ----

let polling = false;

// Only the request is guarded: an error while drawing must surface as an uncaught exception
// (the browser test watches for those), not pass for a network failure.
async function poll() {
  if (polling || !$('token-form').hidden) return;
  polling = true;
  let sample;
  try {
    const response = await fetch('/api/v1/stats', { headers: authHeaders(), cache: 'no-store' });
    if (response.status === 401) {
      sessionStorage.removeItem('yoke-admin-token');
      askForToken('the token was not accepted');
      return;
    }
    if (!response.ok) throw new Error('HTTP ' + response.status);
    sample = await response.json();
  } catch (error) {
    document.body.dataset.lastError = String(error.message || error);
    return;
  } finally {
    polling = false;
  }
  const last = samples[samples.length - 1];
  if (last && sample.monotonic_seconds <= last.monotonic_seconds) return;
  samples.push(sample);
  if (samples.length > KEEP) samples.shift();
  lastAnswer = Date.now();
  delete document.body.dataset.lastError;
  render();
}

function showLiveness() {
  const live = $('live');
  const age = Date.now() - lastAnswer;
  const stale = lastAnswer === 0 || age > STALE_MS;
  live.classList.toggle('stale', stale && lastAnswer !== 0);
  live.textContent = lastAnswer === 0 ? 'connecting…'
    : stale ? 'no answer for ' + Math.round(age / 1000) + ' s'
      : 'live · ' + new Date(lastAnswer).toLocaleTimeString();
}

if (document.body.dataset.tokenRequired === '1' && !token()) askForToken();
poll();
setInterval(() => { poll(); showLiveness(); }, POLL_MS);
