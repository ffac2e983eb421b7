// learnchain explorer: hand-written, no framework, no build step, no third-party code.
// Data comes from the node's JSON API (/api/...) and its event stream (/api/events).
'use strict';

const state = {
  status: null, round: null, clockSkewMs: 0, blocks: [], commits: [], predictions: [],
  certificate: null, events: [], stream: null,
};
// For the browser test and curious users: when each block was first shown (ms since epoch).
window.explorerShown = {};
window.explorerReadyMs = null;

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') el.className = v; else if (k.startsWith('data-') || k === 'id' || k === 'href'
      || k === 'title' || k === 'download') el.setAttribute(k, v); else el[k] = v;
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}
const short = (hex) => hex ? hex.slice(0, 10) + '\u2026' : '';
const addr = (a) => a ? h('a', { href: '#/account/' + a, class: 'mono', title: a }, short(a)) : '-';
const blockLink = (height) => h('a', { href: '#/block/' + height }, '#' + height);
const problemLink = (id) => id ? h('a', { href: '#/problem/' + id, class: 'mono', title: id }, short(id)) : '-';
const score = (s) => s === null || s === undefined ? '-' : Number(s).toFixed(4);
const bytes = (n) => n >= 1e6 ? (n / 1e6).toFixed(2) + ' MB' : n >= 1e3 ? (n / 1e3).toFixed(1) + ' kB' : n + ' B';
const ago = (ms) => { const s = Math.max(0, Math.round((Date.now() - ms) / 1000)); return s < 90 ? s + ' s ago' : Math.round(s / 60) + ' min ago'; };
const isZero = (hex) => !hex || /^0+$/.test(hex);

async function api(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}

function section(title, cls, ...content) {
  return h('section', { class: cls || '' }, h('h2', {}, title), ...content);
}

function renderHeader() {
  const s = state.status;
  if (!s) return;
  document.getElementById('chain-status').textContent =
    `${s.chainId} \u00b7 height ${s.height} \u00b7 finalized ${s.finalizedHeight} \u00b7 ${s.peers} peers \u00b7 v${s.version}`;
}

function setStream(on) {
  const el = document.getElementById('stream-state');
  el.className = 'pill ' + (on ? 'on' : 'off');
  el.textContent = on ? 'live' : 'offline';
}

// ---- live view ----

function roundPanel() {
  const r = state.round;
  if (!r) return section('Round', '', h('p', { class: 'dim' }, 'loading\u2026'));
  const dl = h('dl', {},
    h('dt', {}, 'problem'), h('dd', {}, r.problemId ? problemLink(r.problemId) : 'none (idle round)'),
    h('dt', {}, 'bounty'), h('dd', {}, r.bounty !== undefined ? String(r.bounty) : '-'),
    h('dt', {}, 'commits'), h('dd', { id: 'round-commits' }, String(r.commits)),
    h('dt', {}, 'predictions'), h('dd', { id: 'round-predictions' }, String(r.predictions)),
    h('dt', {}, 'test / labels'), h('dd', {}, (r.testRevealed ? 'revealed' : 'hidden') + ' / ' + (r.labelsRevealed ? 'revealed' : 'hidden')),
    h('dt', {}, 'winner'), h('dd', {}, r.winner ? addr(r.winner) : '-', r.winner ? ' score ' + score(r.winnerScore) : ''));
  return section('Round ' + r.round, '',
    h('div', {}, h('span', { id: 'phase', class: 'phase ' + r.phase }, r.phase),
      h('span', { id: 'countdown', class: 'countdown' }, '')), dl);
}

function minersPanel() {
  const rows = new Map();
  for (const c of state.commits) rows.set(c.miner, { miner: c.miner, commitMs: c.timeMs });
  for (const p of state.predictions) {
    const row = rows.get(p.miner) || { miner: p.miner };
    row.predictionMs = p.timeMs; row.modelHash = p.modelHash; rows.set(p.miner, row);
  }
  const ranking = state.certificate ? state.certificate.ranking : [];
  ranking.forEach((e, i) => { const row = rows.get(e.miner) || { miner: e.miner }; row.rank = i + 1; row.score = e.score; rows.set(e.miner, row); });
  const sorted = [...rows.values()].sort((a, b) => (a.rank || 99) - (b.rank || 99));
  const t = h('table', { id: 'miners' }, h('tr', {}, h('th', {}, 'rank'), h('th', {}, 'miner'), h('th', {}, 'commit'), h('th', {}, 'prediction'), h('th', {}, 'score')));
  for (const r of sorted) {
    t.appendChild(h('tr', { 'data-miner': r.miner },
      h('td', {}, r.rank ? String(r.rank) : ''), h('td', {}, addr(r.miner)),
      h('td', {}, r.commitMs ? '\u2713' : ''), h('td', {}, r.predictionMs ? '\u2713' : ''),
      h('td', {}, r.score !== undefined ? score(r.score) : '')));
  }
  const winner = state.certificate ? h('p', {}, 'winner ', addr(state.certificate.winner), ' with ', score(state.certificate.score)) : null;
  return section('Miners this round', '', sorted.length ? t : h('p', { class: 'dim' }, 'no commits yet'), winner);
}

function blockItem(b, source) {
  return h('li', { class: 'block' + (source === 'live' ? ' new' : ''), 'data-height': b.height, 'data-hash': b.hash, 'data-kind': b.kind, 'data-source': source },
    h('span', { class: 'kind ' + b.kind }, b.kind), ' ', blockLink(b.height), ' ',
    b.kind === 'useful' ? h('span', {}, 'winner ', addr(b.winner), ' score ', score(b.score), ' model ', h('span', { class: 'mono', title: b.modelHash }, short(b.modelHash)), ' (' + bytes(b.modelBytes) + ')') : '',
    ' ', h('span', { class: 'dim' }, `${b.txCount} tx \u00b7 ${ago(b.timestampMs)}`));
}

function recentPanel() {
  const ul = h('ul', { id: 'recent-blocks', class: 'list' });
  for (const b of state.blocks.slice(0, 30)) ul.appendChild(blockItem(b, b.source || 'load'));
  return section('Latest blocks', '', ul);
}

function eventsPanel() {
  const ul = h('ul', { id: 'event-log', class: 'list' });
  for (const e of state.events.slice(0, 40)) ul.appendChild(h('li', {}, h('span', { class: 'dim' }, new Date(e.timeMs).toLocaleTimeString() + ' '), describe(e)));
  return section('Events', '', ul);
}

function describe(e) {
  switch (e.type) {
    case 'phase': return `round ${e.round}: ${e.phase}`;
    case 'commit': return h('span', {}, 'model commit from ', addr(e.miner));
    case 'prediction': return h('span', {}, 'predictions from ', addr(e.miner));
    case 'testReveal': return `test inputs revealed (round ${e.round})`;
    case 'labelReveal': return `labels revealed (round ${e.round})`;
    case 'certificate': return h('span', {}, 'certificate: winner ', addr(e.winner), ' score ' + score(e.score));
    case 'block': return h('span', {}, e.kind + ' block ', blockLink(e.height));
    case 'finalized': return `finalized up to ${e.height}`;
    case 'verified': return `model ${short(e.modelHash)} verified in ${e.verifyMs} ms` + (e.valid ? '' : ' (FAILED: ' + e.reason + ')');
    default: return e.type;
  }
}

// Bar chart of the time between consecutive blocks, oldest left.
function blockTimesChart(blocks) {
  const asc = blocks.slice().sort((a, b) => a.height - b.height);
  const gaps = [];
  for (let i = 1; i < asc.length; i++) gaps.push({ height: asc[i].height, s: (asc[i].timestampMs - asc[i - 1].timestampMs) / 1000 });
  const svg = svgEl('svg', { class: 'chart', viewBox: '0 0 400 160', preserveAspectRatio: 'none' });
  const max = Math.max(1, ...gaps.map((g) => g.s));
  const w = 380 / Math.max(1, gaps.length);
  gaps.forEach((g, i) => {
    const hgt = (g.s / max) * 130;
    const r = svgEl('rect', { class: 'bar', x: 15 + i * w, y: 140 - hgt, width: Math.max(1, w - 2), height: hgt });
    r.appendChild(svgEl('title', {}, `block ${g.height}: ${g.s.toFixed(1)} s`));
    svg.appendChild(r);
  });
  svg.appendChild(svgEl('line', { class: 'axis', x1: 15, y1: 140, x2: 395, y2: 140 }));
  svg.appendChild(svgEl('text', { x: 15, y: 155 }, `block times, max ${max.toFixed(1)} s`));
  return svg;
}

// Winning score per useful block, one colour per problem.
function accuracyChart(blocks) {
  const useful = blocks.filter((b) => b.kind === 'useful' && b.score !== null).sort((a, b) => a.height - b.height);
  const svg = svgEl('svg', { class: 'chart', viewBox: '0 0 400 160', preserveAspectRatio: 'none' });
  const colours = ['#58a6ff', '#3fb950', '#d29922', '#f778ba', '#a371f7'];
  const problems = [...new Set(useful.map((b) => b.problemId))];
  useful.forEach((b, i) => {
    const x = 15 + (useful.length === 1 ? 190 : (i * 370) / (useful.length - 1));
    const y = 140 - Math.max(0, Math.min(1, b.score)) * 130;
    const c = svgEl('circle', { cx: x, cy: y, r: 4, fill: colours[problems.indexOf(b.problemId) % colours.length] });
    c.appendChild(svgEl('title', {}, `block ${b.height}: ${score(b.score)}`));
    svg.appendChild(c);
  });
  svg.appendChild(svgEl('line', { class: 'axis', x1: 15, y1: 140, x2: 395, y2: 140 }));
  svg.appendChild(svgEl('text', { x: 15, y: 155 }, 'winning score per useful block (0..1)'));
  return svg;
}

function svgEl(tag, attrs, text) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text) el.textContent = text;
  return el;
}

function renderLive() {
  const view = document.getElementById('view');
  view.replaceChildren(roundPanel(), minersPanel(), recentPanel(), eventsPanel(),
    section('Block times', '', blockTimesChart(state.blocks.slice(0, 40))),
    section('Winning accuracy', '', accuracyChart(state.blocks.slice(0, 100))));
}

async function showLive() {
  const [round, blocks] = await Promise.all([api('/api/round'), api('/api/blocks?count=100')]);
  state.round = round;
  state.blocks = blocks.blocks;
  renderLive();
}

// ---- other views ----

async function showBlocks() {
  const data = await api('/api/blocks?count=100');
  const t = h('table', { id: 'blocks' }, h('tr', {}, ['height', 'kind', 'hash', 'winner', 'score', 'model', 'tx', 'final', 'time'].map((c) => h('th', {}, c))));
  for (const b of data.blocks) {
    t.appendChild(h('tr', { 'data-height': b.height },
      h('td', {}, blockLink(b.height)), h('td', {}, h('span', { class: 'kind ' + b.kind }, b.kind)),
      h('td', { class: 'mono', title: b.hash }, short(b.hash)), h('td', {}, b.winner ? addr(b.winner) : '-'),
      h('td', {}, score(b.score)), h('td', {}, b.modelBytes ? bytes(b.modelBytes) : '-'),
      h('td', {}, String(b.txCount)), h('td', {}, b.finalized ? '\u2713' : ''), h('td', { class: 'dim' }, ago(b.timestampMs))));
  }
  document.getElementById('view').replaceChildren(section('Blocks (newest first)', 'wide', t),
    section('Block times', '', blockTimesChart(data.blocks.slice(0, 40))), section('Winning accuracy', '', accuracyChart(data.blocks)));
}

async function showBlock(ref) {
  const b = await api('/api/blocks/' + encodeURIComponent(ref));
  const dl = h('dl', { id: 'block-detail' },
    h('dt', {}, 'height'), h('dd', { id: 'block-height' }, String(b.height)),
    h('dt', {}, 'hash'), h('dd', { class: 'mono', id: 'block-hash' }, b.hash),
    h('dt', {}, 'parent'), h('dd', {}, b.height > 0 ? h('a', { href: '#/block/' + (b.height - 1), class: 'mono' }, b.prevHash) : '-'),
    h('dt', {}, 'kind'), h('dd', {}, h('span', { class: 'kind ' + b.kind }, b.kind), b.finalized ? ' (final)' : ''),
    h('dt', {}, 'time'), h('dd', {}, new Date(b.timestampMs).toISOString()),
    h('dt', {}, 'proposer'), h('dd', {}, addr(b.proposer)),
    h('dt', {}, 'state root'), h('dd', { class: 'mono' }, b.stateRoot),
    h('dt', {}, 'problem'), h('dd', {}, isZero(b.problemId) ? '-' : problemLink(b.problemId)),
    h('dt', {}, 'winner'), h('dd', {}, b.winner ? addr(b.winner) : '-'),
    h('dt', {}, 'score'), h('dd', {}, score(b.score)),
    h('dt', {}, 'model hash'), h('dd', { class: 'mono', id: 'block-model-hash' }, isZero(b.modelHash) ? '-' : b.modelHash),
    h('dt', {}, 'model size'), h('dd', {}, b.modelBytes ? bytes(b.modelBytes) : '-'),
    h('dt', {}, 'verification'), h('dd', { id: 'block-verify-ms' }, b.verifyMs !== undefined ? b.verifyMs + ' ms on this node' : '-'),
    h('dt', {}, 'model'), h('dd', {}, b.modelBytes ? h('a', { href: '/api/blocks/' + b.height + '/model', download: 'model-' + b.height + '.zip' }, 'download') : '-'));
  const txs = h('table', {}, h('tr', {}, ['hash', 'kind', 'sender', 'nonce', 'fee', 'payload'].map((c) => h('th', {}, c))));
  for (const tx of b.transactions) {
    txs.appendChild(h('tr', {}, h('td', { class: 'mono', title: tx.hash }, short(tx.hash)), h('td', {}, tx.kind), h('td', {}, addr(tx.sender)),
      h('td', {}, String(tx.nonce)), h('td', {}, String(tx.fee)), h('td', { class: 'mono', title: JSON.stringify(tx.payload) }, JSON.stringify(tx.payload))));
  }
  const w = b.work;
  const work = [h('p', {}, `round ${w.round}, attempt ${w.attempt}, ${w.kind}`)];
  if (w.certificate) {
    const rt = h('table', { id: 'work-ranking' }, h('tr', {}, h('th', {}, 'rank'), h('th', {}, 'miner'), h('th', {}, 'score')));
    w.certificate.ranking.forEach((e, i) => rt.appendChild(h('tr', {}, h('td', {}, String(i + 1)), h('td', {}, addr(e.miner)), h('td', {}, score(e.score)))));
    work.push(h('p', {}, 'certificate signed by submitter ', addr(w.certificate.submitter)), rt);
  }
  if (w.commits) work.push(h('p', {}, `${w.commits.length} model commits, ${(w.predictions || []).length} prediction commits`));
  document.getElementById('view').replaceChildren(section('Block ' + b.height, 'wide', dl),
    section('Work section', '', ...work), section(`Transactions (${b.transactions.length})`, '', txs));
}

async function showProblems() {
  const data = await api('/api/problems');
  const t = h('table', {}, h('tr', {}, ['problem', 'status', 'bounty', 'submitter', 'included', 'closed'].map((c) => h('th', {}, c))));
  for (const p of data.problems) {
    t.appendChild(h('tr', {}, h('td', {}, problemLink(p.problemId)), h('td', {}, p.status), h('td', {}, String(p.bounty)),
      h('td', {}, addr(p.submitter)), h('td', {}, blockLink(p.includedHeight)), h('td', {}, p.closedHeight ? blockLink(p.closedHeight) : '-')));
  }
  document.getElementById('view').replaceChildren(section('Problems on chain', 'wide', data.problems.length ? t : h('p', { class: 'dim' }, 'none yet')));
}

async function showProblem(id) {
  const p = await api('/api/problems/' + encodeURIComponent(id));
  const dl = h('dl', {}, h('dt', {}, 'id'), h('dd', { class: 'mono' }, p.problemId), h('dt', {}, 'state'), h('dd', { id: 'problem-state' }, p.state),
    h('dt', {}, 'bounty'), h('dd', {}, String(p.bounty)), h('dt', {}, 'submitter'), h('dd', {}, addr(p.submitter)),
    h('dt', {}, 'included'), h('dd', {}, p.includedHeight ? blockLink(p.includedHeight) : 'in the pool'),
    h('dt', {}, 'winner'), h('dd', {}, p.winner ? addr(p.winner) : '-'), h('dt', {}, 'score'), h('dd', {}, score(p.score)),
    h('dt', {}, 'model'), h('dd', { class: 'mono' }, p.modelHash || '-'));
  const lb = h('table', { id: 'leaderboard' }, h('tr', {}, ['miner', 'best score', 'rounds', 'wins'].map((c) => h('th', {}, c))));
  for (const m of p.leaderboard) lb.appendChild(h('tr', {}, h('td', {}, addr(m.miner)), h('td', {}, score(m.bestScore)), h('td', {}, String(m.rounds)), h('td', {}, String(m.wins))));
  const rounds = h('table', {}, h('tr', {}, ['block', 'round', 'outcome', 'winner', 'score', 'commits'].map((c) => h('th', {}, c))));
  for (const r of p.rounds) rounds.appendChild(h('tr', {}, h('td', {}, blockLink(r.height)), h('td', {}, String(r.round)), h('td', {}, r.outcome),
    h('td', {}, r.winner ? addr(r.winner) : '-'), h('td', {}, score(r.score)), h('td', {}, String(r.commits))));
  document.getElementById('view').replaceChildren(section('Problem', '', dl), section('Leaderboard', '', lb), section('Rounds', 'wide', rounds));
}

async function showAccount(a) {
  const acc = await api('/api/accounts/' + encodeURIComponent(a));
  const dl = h('dl', {}, h('dt', {}, 'address'), h('dd', { class: 'mono' }, acc.address), h('dt', {}, 'balance'), h('dd', { id: 'account-balance' }, String(acc.balance)),
    h('dt', {}, 'stake'), h('dd', {}, String(acc.stake)), h('dt', {}, 'delegated'), h('dd', {}, String(acc.delegated)),
    h('dt', {}, 'unbonding'), h('dd', {}, String(acc.unbonding)), h('dt', {}, 'nonce'), h('dd', {}, `${acc.nonce} (next ${acc.nextNonce})`));
  const del = (list, title) => {
    const t = h('table', {}, h('tr', {}, h('th', {}, title), h('th', {}, 'amount')));
    for (const d of list) t.appendChild(h('tr', {}, h('td', {}, addr(d.counterparty)), h('td', {}, String(d.amount))));
    return t;
  };
  const won = state.blocks.filter((b) => b.winner === acc.address);
  const wins = h('ul', { class: 'list' }, won.map((b) => h('li', {}, blockLink(b.height), ' score ', score(b.score))));
  document.getElementById('view').replaceChildren(section('Account', '', dl),
    section('Delegations', '', del(acc.delegations, 'to'), del(acc.backers, 'from')), section('Recent blocks won', '', won.length ? wins : h('p', { class: 'dim' }, 'none among the latest blocks')));
}

async function showPeers() {
  const data = await api('/api/peers');
  const t = h('table', {}, h('tr', {}, ['member', 'remote', 'direction', 'score', 'connected'].map((c) => h('th', {}, c))));
  for (const p of data.peers) t.appendChild(h('tr', {}, h('td', {}, addr(p.address)), h('td', {}, p.remote), h('td', {}, p.outbound ? 'out' : 'in'), h('td', {}, String(p.score)), h('td', {}, Math.round(p.connectedMs / 1000) + ' s')));
  document.getElementById('view').replaceChildren(section('Peers', 'wide', t));
}

// ---- routing, live updates ----

function route() {
  const parts = (location.hash || '#/').slice(2).split('/');
  const view = document.getElementById('view');
  const routes = { '': showLive, blocks: showBlocks, block: showBlock, problems: showProblems, problem: showProblem, account: showAccount, peers: showPeers };
  const show = routes[parts[0]];
  if (!show) { view.replaceChildren(section('Not found', 'wide', h('p', { class: 'error' }, 'no page ' + location.hash))); return Promise.resolve(); }
  return show(decodeURIComponent(parts[1] || '')).catch((e) => view.replaceChildren(section('Error', 'wide', h('p', { class: 'error', id: 'error' }, e.message))));
}

function onEvent(e) {
  state.events.unshift(e);
  state.events.length = Math.min(state.events.length, 200);
  const live = (location.hash || '#/') === '#/';
  switch (e.type) {
    case 'phase':
      if (!state.round || e.round !== state.round.round) { state.commits = []; state.predictions = []; state.certificate = null; }
      state.round = Object.assign(state.round || {}, e);
      if (e.problemId) api('/api/round').then((r) => { state.round = r; if ((location.hash || '#/') === '#/') renderLive(); }).catch(() => {});
      break;
    case 'commit': if (state.round && e.round === state.round.round && !state.commits.some((c) => c.miner === e.miner)) { state.commits.push(e); state.round.commits = state.commits.length; } break;
    case 'prediction': if (state.round && e.round === state.round.round && !state.predictions.some((c) => c.miner === e.miner)) { state.predictions.push(e); state.round.predictions = state.predictions.length; } break;
    case 'certificate': state.certificate = e; if (state.round) { state.round.winner = e.winner; state.round.winnerScore = e.score; } break;
    case 'block': {
      e.source = 'live';
      state.blocks = [e].concat(state.blocks.filter((b) => b.height < e.height)).slice(0, 200);
      if (state.status) { state.status.height = e.height; renderHeader(); }
      if (live) {
        const ul = document.getElementById('recent-blocks');
        if (ul) { ul.querySelectorAll('li.block').forEach((li) => { if (Number(li.dataset.height) >= e.height) li.remove(); }); ul.prepend(blockItem(e, 'live')); }
      }
      if (!(e.hash in window.explorerShown)) window.explorerShown[e.hash] = Date.now();
      break;
    }
    case 'finalized': if (state.status) { state.status.finalizedHeight = e.height; renderHeader(); } break;
    default: break;
  }
  if (live && e.type !== 'block') renderLive();
}

function connect() {
  const es = new EventSource('/api/events');
  state.stream = es;
  es.onopen = () => setStream(true);
  es.onerror = () => setStream(false);
  for (const type of ['hello', 'phase', 'commit', 'prediction', 'testReveal', 'labelReveal', 'certificate', 'block', 'finalized', 'verified']) {
    es.addEventListener(type, (m) => { if (type !== 'hello') onEvent(JSON.parse(m.data)); else setStream(true); });
  }
}

function tick() {
  const el = document.getElementById('countdown');
  if (el && state.round && state.round.phaseEndsAtMs) {
    const left = Math.max(0, state.round.phaseEndsAtMs - (Date.now() - state.clockSkewMs));
    el.textContent = (left / 1000).toFixed(1) + ' s';
  }
}

async function refreshStatus() {
  try {
    state.status = await api('/api/status');
    state.clockSkewMs = Date.now() - state.status.nowMs;
    renderHeader();
  } catch (e) {
    document.getElementById('chain-status').textContent = 'node unreachable: ' + e.message;
  }
}

document.getElementById('search').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = document.getElementById('search-input').value.trim().replace(/^0x/, '');
  if (/^[0-9]+$/.test(q)) location.hash = '#/block/' + q;
  else if (/^[0-9a-fA-F]{40}$/.test(q)) location.hash = '#/account/' + q.toLowerCase();
  else if (/^[0-9a-fA-F]{64}$/.test(q)) {
    api('/api/blocks/' + q).then(() => { location.hash = '#/block/' + q; }, () => { location.hash = '#/problem/' + q; });
  }
});
window.addEventListener('hashchange', route);
connect();
Promise.all([refreshStatus(), route()]).then(() => { window.explorerReadyMs = performance.now(); });
setInterval(refreshStatus, 5000);
setInterval(tick, 200);
