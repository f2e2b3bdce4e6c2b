// pgha's status page: renders the frames of GET api/v1/clusters/<cluster>/stream (server-sent events).
// Every value goes in with textContent: member names, tags and errors come from etcd, never as HTML.
'use strict';

const LAG_WINDOW_MS = 5 * 60 * 1000; // the sparkline's span
const RATE_WINDOW_MS = 10 * 1000; // the write rate's span
const lagSamples = new Map(); // member -> [{t, lag}]
const walSamples = []; // [{t, wal}] of the leader
let lastLeader = null;

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function byId(id) { return document.getElementById(id); }

function mb(bytes) {
  if (bytes === null || bytes === undefined) return '';
  return (bytes / 1048576).toFixed(bytes < 1048576 && bytes > 0 ? 2 : 0);
}

function rate(bytesPerSecond) {
  if (bytesPerSecond < 1024) return bytesPerSecond.toFixed(0) + ' B/s';
  if (bytesPerSecond < 1048576) return (bytesPerSecond / 1024).toFixed(1) + ' kB/s';
  return (bytesPerSecond / 1048576).toFixed(1) + ' MB/s';
}

function sparkline(samples) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 140 24');
  if (samples.length > 0) {
    const now = Date.now();
    const span = Math.max(10000, Math.min(LAG_WINDOW_MS, now - samples[0].t)); // what the page has seen
    const max = Math.max(1, ...samples.map(s => s.lag));
    const points = samples.map(s => {
      const x = 140 - ((now - s.t) / span) * 140;
      const y = 22 - (s.lag / max) * 20;
      return x.toFixed(1) + ',' + y.toFixed(1);
    });
    points.push('140,' + (22 - (samples[samples.length - 1].lag / max) * 20).toFixed(1));
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.join(' '));
    svg.appendChild(line);
    const title = document.createElementNS(ns, 'title');
    title.textContent = 'max ' + mb(max) + ' MB over the last ' + LAG_WINDOW_MS / 60000 + ' minutes';
    svg.appendChild(title);
  }
  return svg;
}

function remember(frame, now) {
  for (const m of frame.status.members) {
    const list = lagSamples.get(m.name) || [];
    list.push({ t: now, lag: typeof m.lag === 'number' ? m.lag : 0 });
    while (list.length && now - list[0].t > LAG_WINDOW_MS) list.shift();
    lagSamples.set(m.name, list);
  }
  if (frame.status.leader !== lastLeader) walSamples.length = 0; // a new primary: a new WAL history
  lastLeader = frame.status.leader;
  if (typeof frame.leader_wal === 'number') walSamples.push({ t: now, wal: frame.leader_wal });
  while (walSamples.length > 2 && now - walSamples[0].t > RATE_WINDOW_MS) walSamples.shift();
}

function renderWriteRate() {
  const now = Date.now();
  const target = byId('write-rate');
  if (walSamples.length < 2) { target.textContent = lastLeader ? 'measuring' : '–'; return; }
  const first = walSamples[0];
  const last = walSamples[walSamples.length - 1];
  // a frame is sent on every change: none for a while means the leader's WAL position did not move
  const idle = now - last.t > 3000;
  const span = Math.max(1, last.t - first.t) / 1000;
  target.textContent = idle ? '0 B/s' : rate((last.wal - first.wal) / span);
}

// the tags that change something: set flags, a priority other than the default 1, custom tags
function tags(all) {
  return Object.entries(all || {})
    .filter(([k, v]) => v !== false && v !== null && !(k === 'failover_priority' && v === 1))
    .map(([k, v]) => (v === true ? k : k + '=' + v))
    .join(', ');
}

// PostgreSQL's notation of a WAL position given in bytes
function lsn(bytes) {
  if (typeof bytes !== 'number') return bytes;
  const high = Math.floor(bytes / 4294967296);
  const low = bytes - high * 4294967296;
  return high.toString(16).toUpperCase() + '/' + low.toString(16).toUpperCase();
}

function when(text) {
  return typeof text === 'string' ? text.replace(/\.\d+Z$/, 'Z').replace('T', ' ') : text;
}

function renderMembers(status) {
  const body = byId('members').tBodies[0];
  body.replaceChildren();
  for (const m of status.members) {
    const tr = el('tr');
    tr.dataset.member = m.name;
    tr.dataset.role = m.role;
    if (m.name === status.leader) tr.className = 'leader';
    tr.appendChild(el('td', m.name));
    tr.appendChild(el('td', m.host + (m.port ? ':' + m.port : '')));
    tr.appendChild(el('td', m.role, m.role === 'leader' || m.role === 'primary' ? 'role-leader' : ''));
    const ok = m.state === 'running' || m.state === 'streaming';
    tr.appendChild(el('td', m.state, ok ? 'state-' + m.state : 'state-bad'));
    tr.appendChild(el('td', m.timeline));
    tr.appendChild(el('td', m.name === status.leader ? '' : mb(m.lag)));
    const spark = el('td');
    if (m.name !== status.leader) spark.appendChild(sparkline(lagSamples.get(m.name) || []));
    tr.appendChild(spark);
    tr.appendChild(el('td', tags(m.tags), 'small'));
    body.appendChild(tr);
    if (m.last_error) {
      const err = el('tr');
      const td = el('td', m.name + ': ' + (m.last_error.message || JSON.stringify(m.last_error)), 'state-bad small');
      td.colSpan = 8;
      err.appendChild(td);
      body.appendChild(err);
    }
  }
}

function renderNotices(status) {
  const box = byId('notices');
  box.replaceChildren();
  const add = (text, bad) => box.appendChild(el('div', text, bad ? 'notice bad' : 'notice'));
  if (!status.leader) add('No leader: writes are not accepted until one is elected.', true);
  if (status.switchover_in_progress) {
    add('Switchover in progress: ' + status.switchover_in_progress.from + ' → ' + status.switchover_in_progress.to);
  }
  if (status.scheduled_switchover) {
    const s = status.scheduled_switchover;
    add('Switchover scheduled at ' + s.at + ': ' + s.from + ' → ' + s.to);
  }
  for (const p of status.problems || []) add('Problem: ' + p, true);
}

function renderLastFailover(status) {
  const box = byId('last-failover');
  box.replaceChildren();
  const last = status.last_failover;
  if (!last) { box.textContent = 'none recorded'; box.className = 'muted'; return; }
  box.className = '';
  box.appendChild(el('div', (last.kind || '') + ' at ' + (when(last.at) || '?') + ': ' + (last.result || '') +
      (last.leader ? ' (leader ' + last.leader + ')' : '')));
  if (last.outcome) box.appendChild(el('div', last.outcome, 'muted small'));
  for (const ex of last.excluded || []) {
    box.appendChild(el('div', 'not chosen: ' + ex.member + ' — ' + ex.reason, 'muted small'));
  }
}

function renderHistory(history) {
  const body = byId('history').tBodies[0];
  body.replaceChildren();
  for (const row of history.slice().reverse()) {
    const tr = el('tr');
    const [timeline, position, what, at, leader] = row;
    for (const cell of [timeline, lsn(position), what, when(at), leader]) tr.appendChild(el('td', cell));
    body.appendChild(tr);
  }
}

function renderAlerts(alerts) {
  const body = byId('alerts').tBodies[0];
  body.replaceChildren();
  for (const a of alerts) {
    const tr = el('tr');
    tr.dataset.alert = a.alert;
    tr.appendChild(el('td', a.alert));
    tr.appendChild(el('td', a.severity, a.severity === 'critical' ? 'state-bad' : ''));
    tr.appendChild(el('td', a.member || ''));
    tr.appendChild(el('td', when(a.starts_at)));
    tr.appendChild(el('td', a.summary || '', 'small'));
    body.appendChild(tr);
  }
  byId('alerts').hidden = alerts.length === 0;
  byId('no-alerts').hidden = alerts.length > 0;
}

function seconds(value) {
  return typeof value === 'number' ? value.toFixed(1) + ' s' : '–';
}

function renderBackup(backup) {
  const last = backup.last_backup;
  const target = byId('last-backup');
  target.dataset.backup = last ? last.id : '';
  target.textContent = last
    ? last.id + ' from ' + last.member + ', completed ' + when(last.completed_at) + ' (' + mb(last.size_bytes) + ' MB, up to ' + last.stop_lsn + ')'
    : 'none seen yet';
  const drill = backup.last_drill;
  const d = byId('last-drill');
  d.dataset.drill = drill ? (drill.ok ? 'ok' : 'failed') : '';
  d.className = 'value' + (drill && !drill.ok ? ' state-bad' : '');
  d.textContent = !drill ? 'none seen yet'
    : drill.ok ? 'passed ' + when(drill.at) + ': RTO ' + seconds(drill.rto_seconds) + ', RPO ' + seconds(drill.rpo_seconds) + ' (backup ' + drill.backup_id + ')'
      : 'FAILED ' + when(drill.at) + ': ' + drill.reason;
  const failure = backup.last_failure;
  const f = byId('last-backup-failure');
  f.className = 'value' + (failure ? ' state-bad' : '');
  f.textContent = failure ? when(failure.at) + ' ' + (failure.id || '') + ': ' + failure.reason : 'none seen';
}

function render(frame) {
  const now = Date.now();
  remember(frame, now);
  const status = frame.status;
  const leader = byId('leader');
  leader.textContent = status.leader || 'none';
  leader.dataset.leader = status.leader || '';
  byId('epoch').textContent = status.epoch;
  byId('coordinator').textContent = status.coordinator || 'none';
  byId('pause').textContent = status.pause ? 'paused (no automatic failover)' : 'automatic failover';
  const sync = status.synchronous || {};
  byId('sync').textContent = sync.mode
    ? (sync.strict ? 'strict, ' : '') + 'standbys ' + ((sync.target || []).join(', ') || 'none')
    : 'off (asynchronous)';
  renderWriteRate();
  renderMembers(status);
  renderNotices(status);
  renderLastFailover(status);
  renderHistory(frame.history || []);
  renderAlerts(frame.alerts || []);
  renderBackup(frame.backup || {});
  document.body.dataset.frames = String(Number(document.body.dataset.frames || 0) + 1);
}

async function chooseCluster() {
  const wanted = new URLSearchParams(location.search).get('cluster');
  const response = await fetch('api/v1/clusters');
  const clusters = (await response.json()).map(c => c.cluster);
  const nav = byId('clusters');
  if (clusters.length > 1) {
    for (const name of clusters) {
      const a = el('a', name, name === (wanted || clusters[0]) ? 'current' : '');
      a.href = '?cluster=' + encodeURIComponent(name);
      nav.appendChild(a);
    }
  }
  return wanted || clusters[0];
}

async function start() {
  const connection = byId('connection');
  let cluster;
  try {
    cluster = await chooseCluster();
  } catch (e) {
    connection.textContent = 'coordinator unreachable';
    connection.dataset.state = 'reconnecting';
    setTimeout(start, 2000);
    return;
  }
  if (!cluster) { connection.textContent = 'no cluster in etcd yet'; setTimeout(start, 2000); return; }
  byId('cluster').textContent = cluster;
  document.title = 'pgha ' + cluster;
  const events = new EventSource('api/v1/clusters/' + encodeURIComponent(cluster) + '/stream');
  events.onopen = () => { connection.textContent = 'live'; connection.dataset.state = 'live'; };
  events.onmessage = e => render(JSON.parse(e.data));
  events.onerror = () => { connection.textContent = 'reconnecting'; connection.dataset.state = 'reconnecting'; };
  setInterval(renderWriteRate, 1000);
}

start();
