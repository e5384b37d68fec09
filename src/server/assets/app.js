// The bitter-truth dashboard: executions, one execution's timeline (live),
// starting and killing executions, and charts from /api/v1/stats. Plain
// DOM, no dependencies, so it works offline from the binary. Data is only
// ever put into the page as text, never as HTML.
'use strict';

const FINAL = new Set(['SUCCESS', 'FAILED', 'KILLED']);
const view = document.getElementById('view');
let token = localStorage.getItem('bitter-token') || '';
let stopCurrent = () => {};  // the current view's timers and streams

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token) headers.Authorization = authHeader();
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401) {
    document.getElementById('auth').hidden = false;
    throw new Error('authentication required');
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (_) { body = text; }
  if (!res.ok) {
    const msg = body && body.message ? body.message : res.status + ' ' + res.statusText;
    const err = new Error(msg + (body && body.field ? ' (field ' + body.field + ')' : ''));
    err.body = body;
    throw err;
  }
  return body;
}

// A token, or user:password for a server with basic credentials.
const isBasic = () => token.includes(':');
const authHeader = () => (isBasic() ? 'Basic ' + btoa(token) : 'Bearer ' + token);
const queryToken = () => (isBasic() ? btoa(token) : token);

document.getElementById('auth-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  token = document.getElementById('auth-token').value;
  localStorage.setItem('bitter-token', token);
  document.getElementById('auth').hidden = true;
  route();
});

const stateBadge = (s) => el('span', { class: 'state ' + s, 'data-state': s }, s);
const shortId = (id) => id.slice(0, 8);
const ms = (n) => n >= 10000 ? (n / 1000).toFixed(1) + ' s' : n + ' ms';
function seconds(state) {
  if (!state.duration) return '';
  return state.duration.replace(/^PT/, '').replace(/S$/, ' s');
}

// ---- executions list --------------------------------------------------
function listView() {
  const ns = el('input', { type: 'text', placeholder: 'namespace', id: 'filter-namespace' });
  const st = el('select', { id: 'filter-state' },
    ['', 'QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'KILLED'].map((s) => el('option', { value: s }, s || 'any state')));
  const body = el('tbody', { id: 'executions' });
  const status = el('span', { class: 'muted' });
  view.replaceChildren(
    el('div', { class: 'filters' }, ns, st, status),
    el('table', {}, el('thead', {}, el('tr', {}, ['', 'id', 'namespace', 'contract', 'task', 'attempts', 'duration', 'created']
      .map((h) => el('th', {}, h)))), body));
  async function refresh() {
    const q = new URLSearchParams({ size: '100' });
    if (ns.value) q.set('namespace', ns.value);
    if (st.value) q.set('state', st.value);
    try {
      const page = await api('/api/v1/executions/search?' + q);
      body.replaceChildren(...page.results.map((e) => el('tr', {
        class: 'link', 'data-id': e.id, onclick: () => { location.hash = '#/executions/' + e.id; },
      },
      el('td', {}, stateBadge(e.state.current)), el('td', {}, el('code', {}, shortId(e.id))), el('td', {}, e.namespace),
      el('td', {}, e.inputs.contract), el('td', {}, e.inputs.task.slice(0, 80)),
      el('td', {}, e.attempts + ' / ' + e.inputs.max_attempts), el('td', {}, seconds(e.state)),
      el('td', { class: 'muted' }, e.state.startDate))));
      status.textContent = page.total + ' executions';
    } catch (err) { status.textContent = err.message; }
  }
  ns.addEventListener('input', refresh);
  st.addEventListener('change', refresh);
  refresh();
  const timer = setInterval(refresh, 2000);  // auto-refresh
  return () => clearInterval(timer);
}

// ---- one execution ----------------------------------------------------
// Line diff by longest common subsequence: small tools, small tables.
function diffLines(a, b) {
  const x = a.split('\n'), y = b.split('\n');
  const n = x.length, m = y.length;
  const L = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; --i)
    for (let j = m - 1; j >= 0; --j) L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push(['same', '  ' + x[i]]); ++i; ++j; }
    else if (L[i + 1][j] >= L[i][j + 1]) out.push(['del', '- ' + x[i++]]);
    else out.push(['add', '+ ' + y[j++]]);
  }
  while (i < n) out.push(['del', '- ' + x[i++]]);
  while (j < m) out.push(['add', '+ ' + y[j++]]);
  return out;
}

function stageList(stages) {
  return el('table', { class: 'stages' }, el('tbody', {}, stages.map((s) => el('tr', { 'data-stage': s.stage },
    el('td', { class: s.ok ? 'stage-ok' : 'stage-fail' }, s.ok ? 'ok' : 'FAIL'),
    el('td', {}, s.stage + (s.candidate ? ' (c' + s.candidate + ')' : '')),
    el('td', { class: 'muted' }, ms(s.duration_ms)),
    el('td', {}, (s.detail && s.detail.summary) || '')))));
}

function timeline(stages) {
  const total = Math.max(1, stages.reduce((t, s) => t + s.duration_ms, 0));
  return el('div', { class: 'timeline' }, stages.map((s) => el('span', {
    class: s.ok ? 'ok' : 'fail', title: s.stage + ': ' + ms(s.duration_ms),
    style: 'width:' + (100 * s.duration_ms / total).toFixed(2) + '%',
  })));
}

function attemptCard(a, previous) {
  const stages = a.stages || [];
  const find = (name) => stages.filter((s) => s.stage === name);
  const parts = [
    el('h3', {}, 'Attempt ' + a.attempt + ': ', el('span', { class: a.outcome === 'passed' ? 'stage-ok' : 'stage-fail' },
      a.outcome || 'running'), el('span', { class: 'muted' }, ' ' + ms(a.duration_ms))),
    timeline(stages), stageList(stages)];
  const violations = find('validate').flatMap((s) => (s.detail && s.detail.violations) || []);
  if (violations.length) {
    parts.push(el('h4', {}, 'Validation errors'), el('table', { class: 'violations' },
      el('thead', {}, el('tr', {}, ['path', 'rule', 'expected', 'actual', 'contract'].map((h) => el('th', {}, h)))),
      el('tbody', {}, violations.map((v) => el('tr', {}, el('td', {}, el('code', {}, v.path)), el('td', {}, v.rule),
        el('td', {}, v.expected), el('td', {}, v.actual), el('td', { class: 'muted' }, v.location || ''))))));
  }
  const findings = find('scan').flatMap((s) => (s.detail && s.detail.findings) || []);
  if (findings.length) {
    parts.push(el('h4', {}, 'Gate findings'), el('table', { class: 'findings' }, el('tbody', {}, findings.map((f) =>
      el('tr', {}, el('td', {}, f.severity), el('td', {}, f.rule), el('td', {}, 'line ' + f.line),
        el('td', {}, f.reason), el('td', {}, el('code', {}, f.excerpt)))))));
  }
  const exec = find('execute').pop();
  if (exec && exec.detail) {
    parts.push(el('h4', {}, 'Tool output'), el('pre', { class: 'stdout' }, exec.detail.stdout || '(nothing on stdout)'));
    if (exec.detail.stderr) parts.push(el('pre', { class: 'stderr' }, exec.detail.stderr));
  }
  if (a.code) {
    parts.push(el('h4', {}, 'Generated code'), el('pre', { class: 'code' }, a.code));
    if (previous && previous.code) {
      parts.push(el('h4', {}, 'Diff to attempt ' + previous.attempt),
        el('pre', { class: 'diff' }, diffLines(previous.code, a.code).map(([k, line]) => el('span', { class: k }, line))));
    }
  }
  if (a.feedback) parts.push(el('h4', {}, 'Feedback sent to the LLM'), el('pre', { class: 'feedback' }, a.feedback));
  return el('section', { class: 'card attempt', 'data-attempt': a.attempt }, parts);
}

function executionView(id) {
  let stream = null;
  async function render() {
    let e;
    try { e = await api('/api/v1/executions/' + encodeURIComponent(id)); } catch (err) {
      view.replaceChildren(el('p', { class: 'error' }, err.message));
      return;
    }
    const state = e.state.current;
    const head = el('section', { class: 'card' },
      el('h2', {}, 'Execution ', el('code', {}, e.id), ' ', stateBadge(state)),
      el('p', {}, el('b', {}, 'task: '), e.inputs.task),
      el('p', { class: 'muted' }, 'contract ' + e.inputs.contract + ' · model ' + e.inputs.model + ' · ' + e.attempts +
        ' of ' + e.inputs.max_attempts + ' attempts · ' + (seconds(e.state) || 'running') + ' · ' + e.provider),
      e.reason ? el('p', { class: 'error', id: 'reason' }, e.reason) : null,
      FINAL.has(state) ? null : el('button', { class: 'danger', id: 'kill', onclick: async () => {
        try { await api('/api/v1/executions/' + encodeURIComponent(id) + '/kill', { method: 'DELETE' }); } catch (err) { alert(err.message); }
      } }, 'Kill'));
    const attempts = e.attemptDetails || [];
    const cards = attempts.map((a, i) => attemptCard(a, attempts[i - 1]));
    const out = state === 'SUCCESS'
      ? el('section', { class: 'card' }, el('h3', {}, 'Accepted output'),
        el('pre', { id: 'output' }, JSON.stringify(e.outputs.output, null, 2)))
      : null;
    view.replaceChildren(...[head, out, ...cards.reverse()].filter(Boolean));
    document.getElementById('live').textContent = FINAL.has(state) ? '' : 'live';
    if (FINAL.has(state) && stream) { stream.close(); stream = null; }
  }
  render().then(() => {
    // Live: every event re-reads the execution (small, and always consistent).
    const q = token ? '?access_token=' + encodeURIComponent(queryToken()) : '';
    stream = new EventSource('/api/v1/executions/' + encodeURIComponent(id) + '/follow' + q);
    let pending = false;
    const onEvent = () => {
      if (pending) return;
      pending = true;
      setTimeout(() => { pending = false; render(); }, 150);
    };
    stream.onmessage = onEvent;
    stream.addEventListener('stage', onEvent);
    stream.addEventListener('end', () => { onEvent(); if (stream) stream.close(); });
    stream.onerror = () => {
      if (stream) stream.close();
      document.getElementById('live').textContent = '';
    };
  });
  return () => { if (stream) stream.close(); document.getElementById('live').textContent = ''; };
}

// ---- start one --------------------------------------------------------
function newView() {
  const error = el('p', { class: 'error', id: 'new-error' });
  const form = el('form', { class: 'new card', id: 'new-form' },
    el('label', { for: 'f-namespace' }, 'Namespace'), el('input', { type: 'text', id: 'f-namespace', value: 'dashboard' }),
    el('label', { for: 'f-contract' }, 'Contract: a path under the server\'s contracts root'),
    el('input', { type: 'text', id: 'f-contract', placeholder: 'examples/echo/datacontract.yaml' }),
    el('label', { for: 'f-contract-text' }, '… or paste the contract YAML'),
    el('textarea', { id: 'f-contract-text', rows: 8 }),
    el('label', { for: 'f-task' }, 'Task'), el('textarea', { id: 'f-task', rows: 3 }),
    el('label', { for: 'f-input' }, 'Input JSON'), el('textarea', { id: 'f-input', rows: 4 }, '{}'),
    el('label', { for: 'f-attempts' }, 'Max attempts'), el('input', { type: 'text', id: 'f-attempts', value: '3' }),
    el('label', { for: 'f-speculate' }, 'Candidates per attempt (speculate)'),
    el('input', { type: 'text', id: 'f-speculate', value: '1' }),
    el('p', {}, el('button', { class: 'primary', type: 'submit', id: 'f-submit' }, 'Start')), error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (id) => document.getElementById(id).value;
    const body = { contract: v('f-contract-text').trim() ? v('f-contract-text') : v('f-contract'), task: v('f-task'),
      input_json: v('f-input'), max_attempts: v('f-attempts'), speculate: v('f-speculate') };
    try {
      const e = await api('/api/v1/executions/' + encodeURIComponent(v('f-namespace') || 'dashboard') + '/contract-loop', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      location.hash = '#/executions/' + e.id;
    } catch (err) {
      error.textContent = err.message;
      if (err.body && err.body.execution) location.hash = '#/executions/' + err.body.execution.id;
    }
  });
  view.replaceChildren(form);
  return () => {};
}

// ---- charts -----------------------------------------------------------
const samples = [];  // [{t, by_state}] sampled while the page is open
const COLORS = { SUCCESS: '#1a7f37', FAILED: '#cf222e', KILLED: '#57606a', RUNNING: '#0969da', QUEUED: '#9a6700', CREATED: '#bf8700' };
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function bars(title, items, id) {
  const w = 340, h = 180, max = Math.max(0, ...items.map((i) => i.value)) || 1;
  const bw = (w - 20) / Math.max(1, items.length);
  const g = items.map((it, k) => {
    const bh = (h - 40) * it.value / max;
    return svg('g', {}, svg('rect', { x: 10 + k * bw + 2, y: h - 20 - bh, width: bw - 4, height: bh, fill: it.color || '#0969da' }),
      svg('text', { x: 10 + k * bw + 2, y: h - 6 }, it.label), svg('text', { x: 10 + k * bw + 2, y: h - 24 - bh }, it.text || it.value));
  });
  return el('section', { class: 'card', id }, el('h3', {}, title), svg('svg', { width: w, height: h }, ...g));
}
function line(title, id) {
  const w = 340, h = 180;
  const states = Object.keys(COLORS);
  const max = Math.max(1, ...samples.flatMap((s) => states.map((k) => s.by_state[k] || 0)));
  const x = (i) => 10 + (w - 20) * (samples.length < 2 ? 0 : i / (samples.length - 1));
  const y = (v) => h - 20 - (h - 40) * v / max;
  const paths = states.filter((k) => samples.some((s) => s.by_state[k])).map((k) => svg('polyline', {
    fill: 'none', stroke: COLORS[k], 'stroke-width': 2,
    points: samples.map((s, i) => x(i) + ',' + y(s.by_state[k] || 0)).join(' '),
  }));
  const shown = states.filter((k) => samples.some((s) => s.by_state[k]));
  const legend = shown.map((k, i) => svg('text', { x: 10 + i * 70, y: 12, fill: COLORS[k] }, k));
  // The latest value of each state as a dot, so one sample already shows.
  const last = samples.length - 1;
  const dots = shown.map((k) => svg('circle', { cx: x(last), cy: y(samples[last].by_state[k] || 0), r: 3, fill: COLORS[k] }));
  return el('section', { class: 'card', id }, el('h3', {}, title), svg('svg', { width: w, height: h }, ...paths, ...dots, ...legend));
}
function chartsView() {
  async function refresh() {
    let s;
    try { s = await api('/api/v1/stats'); } catch (err) { view.replaceChildren(el('p', { class: 'error' }, err.message)); return; }
    samples.push({ t: Date.now(), by_state: s.by_state });
    if (samples.length > 120) samples.shift();
    const states = Object.keys(s.by_state).map((k) => ({ label: k.slice(0, 7), value: s.by_state[k], color: COLORS[k] }));
    const h = s.attempts;
    const attempts = h.counts.map((c, i) => ({ label: i < h.bounds.length ? '≤' + h.bounds[i] : '>', value: c }));
    const latency = Object.entries(s.stage_seconds).map(([k, v]) => ({
      label: k.slice(0, 8), value: v.count ? v.sum / v.count : 0, text: v.count ? (1000 * v.sum / v.count).toFixed(0) + 'ms' : '-' }));
    view.replaceChildren(el('div', { class: 'charts' },
      bars('Executions by state', states, 'chart-states'),
      line('Executions by state over time', 'chart-history'),
      bars('Attempts per execution', attempts, 'chart-attempts'),
      bars('Mean stage latency', latency, 'chart-latency'),
      el('section', { class: 'card' }, el('p', {}, 'queued ' + s.queued + ' · running ' + s.running +
        ' · LLM requests in flight ' + s.llm_in_flight), el('p', { class: 'muted' }, 'Prometheus text: /metrics'))));
  }
  refresh();
  const timer = setInterval(refresh, 3000);
  return () => clearInterval(timer);
}

function route() {
  stopCurrent();
  const h = location.hash || '#/';
  let m;
  if ((m = h.match(/^#\/executions\/([^/]+)$/))) {
    let id;
    try { id = decodeURIComponent(m[1]); } catch (_) { id = m[1]; }
    stopCurrent = executionView(id);
  }
  else if (h === '#/new') stopCurrent = newView();
  else if (h === '#/charts') stopCurrent = chartsView();
  else stopCurrent = listView();
}
window.addEventListener('hashchange', route);
route();
