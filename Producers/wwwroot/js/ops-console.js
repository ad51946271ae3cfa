// The operations console (/ops/): the admin API (/admin/*) for people. The admin key is asked for once and kept in
// this tab's sessionStorage only (closing the tab forgets it); it goes in X-Api-Key on every call and nowhere else.
// Each section reads one admin endpoint and shows its problem details in its own message line.
import { ProblemError, requestJson } from './api.js';
import { clear, count, el, formatMoment, formatNumber } from './dom.js';
import { parseMermaid, renderStateDiagram } from './state-diagram.js';

const keyStorage = 'eventdriven.ops.adminKey';
const statesEveryMs = 5000;
const replaysEveryMs = 1000;

const byId = (id) => document.getElementById(id);
const message = (section) => document.querySelector(`.section-message[data-for="${section}"]`);
const page = {
  keyForm: byId('key-form'),
  key: byId('admin-key'),
  forget: byId('forget-key'),
  status: byId('status'),
  problem: byId('problem'),
  console: byId('console'),
};

// ---------------------------------------------------------------------------------------------------------------
// The key and the calls

let adminKey = sessionStorage.getItem(keyStorage);

/** An admin call: the key in X-Api-Key, no automatic retry (an operator sees a 503 at once and can try again). */
async function admin(path, { method = 'GET' } = {}) {
  if (!adminKey) throw new ProblemError(401, { title: 'No admin key', detail: 'Enter the admin key first.' });
  try {
    const { body } = await requestJson(path, { method, headers: { 'X-Api-Key': adminKey }, maxRetries: 0 });
    return body;
  } catch (error) {
    if (error instanceof ProblemError && (error.status === 401 || error.status === 403)) {
      disconnect(error);
    }
    throw error;
  }
}

function disconnect(problem) {
  adminKey = null;
  sessionStorage.removeItem(keyStorage);
  stopTimers();
  page.console.hidden = true;
  page.forget.hidden = true;
  page.key.value = '';
  if (problem) showProblem(problem);
  page.key.focus();
}

async function connect(key, { fromUser = false } = {}) {
  adminKey = key;
  clear(page.problem);
  page.status.textContent = 'Connecting…';
  try {
    await loadStates();
  } catch (error) {
    if (!(error instanceof ProblemError) || error.status === 401 || error.status === 403) {
      page.status.textContent = '';
      if (adminKey) disconnect(error);
      return;
    }
  }
  sessionStorage.setItem(keyStorage, key);
  page.key.value = '';
  page.forget.hidden = false;
  page.console.hidden = false;
  page.status.textContent = 'Connected. The key is kept for this tab only.';
  startTimers();
  await Promise.allSettled([loadStuck(), loadGroups(), loadReplays(), loadAudit(), loadUnsupported()]);
  const lookup = new URLSearchParams(location.search).get('lookup');
  if (lookup) await showHistory(lookup, { focus: true });
  else if (fromUser) byId('states-title').scrollIntoView();
}

function showProblem(error) {
  clear(page.problem).append(
    el('h2', { 'data-testid': 'problem-title' }, error.title ?? 'Something went wrong'),
    el('p', { 'data-testid': 'problem-detail' }, error.detail ?? String(error.message ?? error)),
  );
}

/** Runs a section's load: its message line says "Loading…", then nothing or the problem. */
async function inSection(section, work, { quiet = false } = {}) {
  const line = message(section);
  // Polls are quiet: a status line that said "Loading…" every second would be read out every second.
  if (!quiet) {
    line.textContent = 'Loading…';
    line.classList.remove('error');
  }
  try {
    const result = await work();
    if (line.textContent === 'Loading…') line.textContent = '';
    return result;
  } catch (error) {
    if (error?.name === 'AbortError') return undefined;
    line.textContent = error instanceof ProblemError ? error.message : `Failed: ${error}`;
    line.classList.add('error');
    return undefined;
  }
}

const say = (section, text) => {
  message(section).classList.remove('error');
  message(section).textContent = text;
};

// ---------------------------------------------------------------------------------------------------------------
// States and the diagram

let transitions = [];

async function loadStates() {
  const body = await admin('/admin/states');
  const counts = new Map(body.states.map((s) => [s.state, s.count]));

  const table = byId('states-table');
  const shown = [...table.tBodies[0].rows].map((r) => r.dataset.state).join(' ');
  if (shown === body.states.map((s) => s.state).join(' ')) {
    // The same states: only the counts change, so a keyboard user's focus on a row's button stays where it is.
    for (const s of body.states) {
      const cell = table.querySelector(`tr[data-state="${s.state}"] td.num`);
      cell.dataset.count = s.count;
      cell.textContent = formatNumber(s.count);
    }
  } else {
    clear(table.tBodies[0]).append(...body.states.map((s) => el('tr', { 'data-state': s.state },
      el('th', { scope: 'row' }, s.state),
      el('td', { class: 'num', 'data-count': s.count }, formatNumber(s.count)),
      el('td', {}, el('button', { type: 'button', class: 'link', 'data-list-state': s.state, 'aria-label': `List the ${s.state} lookups` }, 'List')))));
  }
  table.caption.textContent = `Lookups per state at ${new Date().toLocaleTimeString('en-GB')}`;

  const select = byId('lookups-state');
  if (select.options.length === 0) {
    select.append(...body.states.map((s) => el('option', { value: s.state }, s.state)));
  }

  if (byId('diagram-text').textContent !== body.diagram) {
    byId('diagram-text').textContent = body.diagram;
    transitions = parseMermaid(body.diagram);
    clear(byId('transitions-table').tBodies[0]).append(...transitions.map((t) => el('tr', {},
      el('td', {}, t.from === '[*]' ? '(start)' : t.from), el('td', {}, t.on), el('td', {}, t.to))));
  }
  renderStateDiagram(byId('state-diagram'), transitions, counts);
}

// ---------------------------------------------------------------------------------------------------------------
// Lookups by state, with paging

const lookupsPaging = { state: null, limit: 25, tokens: [null], index: 0, next: null };

async function loadLookups() {
  const { state, limit, tokens, index } = lookupsPaging;
  await inSection('lookups', async () => {
    const token = tokens[index];
    const query = new URLSearchParams({ state, limit: String(limit) });
    if (token) query.set('pageToken', token);
    const body = await admin(`/admin/lookups?${query}`);
    lookupsPaging.next = body.nextPageToken ?? null;

    const table = byId('lookups-table');
    clear(table.tBodies[0]).append(...body.items.map((l) => el('tr', { 'data-lookup-id': l.lookupId },
      el('td', {}, el('code', {}, l.lookupKey)),
      el('td', {}, l.status),
      el('td', {}, el('time', { datetime: l.updatedAt }, formatMoment(l.updatedAt))),
      el('td', { class: 'num' }, formatNumber(l.attempts)),
      el('td', { class: 'num' }, formatNumber(l.requestCount)),
      el('td', {}, l.reason ?? ''),
      el('td', {}, el('button', { type: 'button', class: 'link', 'data-history': l.lookupId, 'aria-label': `History of ${l.lookupKey}` }, 'History')))));
    table.hidden = body.items.length === 0;
    byId('lookups-caption').textContent = `${state} lookups, most recently updated first`;
    byId('lookups-next').hidden = !lookupsPaging.next;
    byId('lookups-first').hidden = index === 0;
    say('lookups', body.items.length === 0 ? `No lookup is ${state}.` : `${state}: page ${index + 1}, ${count(body.items.length, 'lookup')}.`);
  });
}

function listState(state) {
  Object.assign(lookupsPaging, { state, limit: Number(byId('lookups-limit').value), tokens: [null], index: 0, next: null });
  byId('lookups-state').value = state;
  return loadLookups();
}

// ---------------------------------------------------------------------------------------------------------------
// One lookup's history as a timeline

const kindLabels = { transition: 'Transition', upstream: 'Upstream call', deadLetter: 'Dead-lettered', replay: 'Replay', operator: 'Operator' };

function describeEntry(entry) {
  switch (entry.kind) {
    case 'transition': {
      const head = entry.from === entry.to ? `${entry.to} (fields only)` : `${entry.from} → ${entry.to}`;
      return [el('p', { class: 'entry-head' }, head, ' on ', el('code', {}, entry.messageType)),
        entry.changes?.length
          ? el('ul', { class: 'changes' }, entry.changes.map((c) => el('li', {}, el('code', {}, c.field), `: ${c.before ?? '–'} → ${c.after ?? '–'}`)))
          : null];
    }
    case 'upstream':
      return [el('p', { class: 'entry-head' }, `${entry.upstream} ${entry.method} `, el('code', { class: 'url' }, entry.url),
        ` → ${entry.status === 0 ? (entry.error ?? 'no answer') : entry.status}`),
      el('p', { class: 'entry-detail' },
        `${formatNumber(Math.round(entry.durationMs))} ms, attempt ${entry.attempt}, waited ${formatNumber(Math.round(entry.budgetWaitMs))} ms for the police budget`)];
    case 'deadLetter':
      return [el('p', { class: 'entry-head' }, el('code', {}, entry.messageType), ` went to ${entry.errorQueue}`),
        el('p', { class: 'entry-detail' }, entry.reason)];
    case 'replay':
      return [el('p', { class: 'entry-head' }, `Replayed from ${entry.queue} to ${entry.targetQueue} by ${entry.by}: ${entry.outcome}`),
        el('p', { class: 'entry-detail' }, `message ${entry.messageId ?? '?'}${entry.replayId ? `, replay ${entry.replayId}` : ''}`)];
    case 'operator':
      return [el('p', { class: 'entry-head' }, `${entry.who}: ${entry.action}`), el('p', { class: 'entry-detail' }, entry.detail)];
    default:
      return [el('p', {}, JSON.stringify(entry))];
  }
}

async function showHistory(lookupId, { focus = false } = {}) {
  byId('history-id').value = lookupId;
  await inSection('history', async () => {
    const body = await admin(`/admin/lookups/${encodeURIComponent(lookupId.trim())}/history`);
    byId('history-summary').textContent =
      `${body.lookupKey} is ${body.status}: ${count(body.entries.length, 'entry', 'entries')}, oldest first.`;
    clear(byId('history-timeline')).append(...body.entries.map((entry) => el('li', { class: `entry entry-${entry.kind}`, 'data-kind': entry.kind },
      el('p', { class: 'entry-meta' },
        el('time', { datetime: entry.at }, formatMoment(entry.at)), ' ', el('span', { class: 'kind' }, kindLabels[entry.kind] ?? entry.kind)),
      ...describeEntry(entry))));
    byId('history').hidden = false;
    byId('history').dataset.lookupId = body.lookupId;
    say('history', `History of ${body.lookupKey}: ${count(body.entries.length, 'entry', 'entries')}.`);
  });
  if (focus) byId('history-title').focus();
}

// ---------------------------------------------------------------------------------------------------------------
// Stuck lookups, each with the action that fixes it

function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

async function loadStuck() {
  await inSection('stuck', async () => {
    const olderThan = byId('stuck-older').value.trim() || '00:05:00';
    const body = await admin(`/admin/lookups/stuck?${new URLSearchParams({ olderThan })}`);
    clear(byId('stuck-list')).append(...body.items.map((s) => el('li', { class: 'card', 'data-lookup-id': s.lookupId },
      el('h3', {}, el('code', {}, s.lookupKey), ` · ${s.state} for ${duration(s.stuckForSeconds)}`),
      el('p', {}, s.cause),
      s.evidence?.length > 1 ? el('ul', {}, s.evidence.map((e) => el('li', {}, e))) : null,
      el('p', { class: 'hint' }, 'Fix: ', s.action.description, ' (CLI: ', el('code', {}, s.action.cli), ')'),
      el('div', { class: 'toolbar' },
        el('button', { type: 'button', 'data-fix': s.action.href, 'data-method': s.action.method }, s.action.kind === 'replay' ? 'Replay its message' : 'Re-drive it'),
        el('button', { type: 'button', class: 'secondary', 'data-history': s.lookupId, 'aria-label': `History of ${s.lookupKey}` }, 'History')))));
    const notes = [];
    notes.push(body.items.length === 0 ? `No lookup has been stuck for ${olderThan}.` : `${count(body.items.length, 'stuck lookup')}, stalest first.`);
    if (!body.complete) notes.push('More lookups were in progress than were scanned.');
    if (body.deadLettersNote) notes.push(body.deadLettersNote);
    say('stuck', notes.join(' '));
  });
}

async function runFix(button) {
  const href = button.dataset.fix;
  if (!href.startsWith('/admin/')) return;
  button.disabled = true;
  await inSection('stuck', async () => {
    const body = await admin(href, { method: button.dataset.method || 'POST' });
    await loadStuck();
    say('stuck', body?.sent ? `Sent ${body.sent} again to ${body.queue}.` : `Done: ${summarise(body)}.`);
    loadAudit();
  });
  button.disabled = false;
}

function summarise(body) {
  if (!body || typeof body !== 'object') return 'the service answered';
  return Object.entries(body).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k} ${v}`).join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// Failure groups: dry run, replay, purge

let groups = [];

async function loadGroups() {
  await inSection('groups', async () => {
    const body = await admin('/admin/dead-letters/groups');
    groups = body.groups;
    const table = byId('groups-table');
    clear(table.tBodies[0]).append(...groups.map((g) => el('tr', { 'data-group': g.id },
      el('td', {}, el('code', {}, g.id)),
      el('td', {}, g.messageType),
      el('td', {}, g.exceptionType),
      el('td', {}, g.statusClass),
      el('td', { class: 'num', 'data-count': g.count }, formatNumber(g.count)),
      el('td', {}, g.firstSeen ? formatMoment(g.firstSeen) : ''),
      el('td', {}, g.lastSeen ? formatMoment(g.lastSeen) : ''),
      el('td', { class: 'actions' },
        el('button', { type: 'button', class: 'secondary', 'data-dry-run': g.id, 'aria-label': `Dry run of group ${g.id}` }, 'Dry run'),
        el('button', { type: 'button', 'data-replay': g.id, 'aria-label': `Replay group ${g.id}` }, 'Replay'),
        el('button', { type: 'button', class: 'danger', 'data-purge': g.id, 'aria-label': `Purge group ${g.id}` }, 'Purge')))));
    table.hidden = groups.length === 0;
    byId('groups-caption').textContent = `${count(body.total, 'dead letter')} in ${count(groups.length, 'group')}` +
      (body.complete ? '' : ' (an error queue held more than were read)');
    say('groups', groups.length === 0 ? 'No dead letters.' : '');
  });
}

function replayOptions() {
  const rate = byId('replay-rate').value.trim() || '5';
  const first = byId('replay-first').value.trim();
  return { rate, first };
}

/** Reads the group again and says what a replay would do: nothing is sent. */
async function dryRun(groupId) {
  await inSection('groups', async () => {
    const body = await admin('/admin/dead-letters/groups');
    const group = body.groups.find((g) => g.id === groupId);
    const notice = byId('dry-run');
    notice.hidden = false;
    if (!group) {
      notice.textContent = `Dry run: group ${groupId} has no dead letters now; a replay would do nothing.`;
      return;
    }
    const { rate, first } = replayOptions();
    const seconds = group.count / Number(rate);
    notice.textContent = `Dry run (nothing sent): replaying group ${group.id} would send ${count(group.count, 'dead letter')} ` +
      `(${group.queues.map((q) => `${q.queue}: ${q.count}`).join(', ')}) back to their queues at ${rate} per second, ` +
      `about ${duration(Math.max(1, seconds))}` + (first ? `, the first ${first} as a canary` : '') +
      `. Its newest: ${group.example?.reason ?? group.exceptionType}.`;
    notice.dataset.count = group.count;
  });
}

async function replayGroup(groupId, button) {
  button.disabled = true;
  await inSection('groups', async () => {
    const { rate, first } = replayOptions();
    const query = new URLSearchParams({ rate });
    if (first) query.set('first', first);
    const job = await admin(`/admin/dead-letters/groups/${encodeURIComponent(groupId)}/replay?${query}`, { method: 'POST' });
    byId('dry-run').hidden = true;
    say('groups', `Replay ${job.id} started: ${count(job.total, 'dead letter')} at ${job.rate} per second. Its progress is under Replays.`);
    await loadReplays();
    await loadGroups();
    loadAudit();
  });
  button.disabled = false;
}

async function purgeGroup(groupId) {
  const group = groups.find((g) => g.id === groupId);
  if (!group) return;
  // The API asks for the count as the confirmation; the operator confirms it here first.
  if (!window.confirm(`Purge ${group.count} dead letter(s) of group ${group.id} for good? They cannot be replayed afterwards.`)) return;
  await inSection('groups', async () => {
    const body = await admin(`/admin/dead-letters/groups/${encodeURIComponent(groupId)}/purge?confirm=${group.count}`, { method: 'POST' });
    await loadGroups();
    say('groups', `Purged ${count(body.purged, 'dead letter')} of group ${body.group}.`);
    loadAudit();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Replays with their live progress

let replaysTimer = null;

function eta(job) {
  if (job.status !== 'Running') return '';
  const left = job.total - job.replayed - job.skipped;
  return left > 0 ? `, about ${duration(Math.max(1, left / job.rate))} left` : '';
}

function replayCard(job) {
  const finished = ['Completed', 'Canceled', 'Failed'].includes(job.status);
  const progressId = `progress-${job.id}`;
  return el('li', { class: `card replay replay-${job.status.toLowerCase()}`, 'data-replay-id': job.id, 'data-status': job.status },
    el('h3', {}, el('code', {}, job.id), ` · ${job.status}`),
    el('p', {}, `${job.group ? `group ${job.group}` : job.queue ? `queue ${job.queue}` : 'every queue'}` +
      `${job.messageId ? `, message ${job.messageId}` : ''} at ${job.rate} per second, started by ${job.startedBy} ${formatMoment(job.createdAt)}`),
    el('p', { class: 'canary' }, canaryText(job)),
    el('label', { for: progressId }, progressText(job)),
    el('progress', { id: progressId, max: Math.max(1, job.total), value: job.replayed + job.skipped, 'data-done': job.replayed + job.skipped, 'data-total': job.total }),
    el('p', { class: 'hint note' }, job.note ?? ''),
    finished ? null : el('div', { class: 'toolbar' },
      job.status === 'Running' ? el('button', { type: 'button', class: 'secondary', 'data-job': job.id, 'data-change': 'pause' }, 'Pause') : null,
      job.status === 'Paused' ? el('button', { type: 'button', 'data-job': job.id, 'data-change': 'resume' }, 'Resume') : null,
      el('button', { type: 'button', class: 'danger', 'data-job': job.id, 'data-change': 'cancel' }, 'Cancel')));
}

const canaryText = (job) => (job.canary ? `Canary of ${job.canary}: ${job.canaryDoneAt ? (job.canaryPassed ? 'passed' : 'failed') : 'under way'}` : '');
const progressText = (job) =>
  `${formatNumber(job.replayed + job.skipped)} of ${formatNumber(job.total)} done (replayed ${job.replayed}, already replayed ${job.skipped})${eta(job)}`;

let replaysRunning = false;

async function loadReplays({ quiet = false } = {}) {
  await inSection('replays', async () => {
    const body = await admin('/admin/dead-letters/replays');
    const list = byId('replays-list');
    const shown = [...list.children].map((li) => `${li.dataset.replayId}:${li.dataset.status}`).join(' ');
    if (shown === body.items.map((j) => `${j.id}:${j.status}`).join(' ')) {
      // Same jobs in the same states: only the progress moves, so the focus on a Pause or Cancel button stays.
      for (const job of body.items) {
        const card = list.querySelector(`[data-replay-id="${job.id}"]`);
        card.querySelector('label').textContent = progressText(job);
        const bar = card.querySelector('progress');
        bar.value = job.replayed + job.skipped;
        bar.dataset.done = String(job.replayed + job.skipped);
        card.querySelector('.canary').textContent = canaryText(job);
        card.querySelector('.note').textContent = job.note ?? '';
      }
    } else {
      clear(list).append(...body.items.map(replayCard));
    }
    if (body.items.length === 0) say('replays', 'No replay yet.');

    // Live progress: poll while a replay runs; when the last one stops, the groups have changed.
    const running = body.items.some((j) => j.status === 'Running');
    clearTimeout(replaysTimer);
    replaysTimer = running ? setTimeout(() => loadReplays({ quiet: true }), replaysEveryMs) : null;
    if (replaysRunning && !running) {
      say('replays', 'No replay is running now.');
      loadGroups();
      loadAudit();
      inSection('states', loadStates, { quiet: true });
    }
    replaysRunning = running;
  }, { quiet });
}

async function changeReplay(jobId, change) {
  await inSection('replays', async () => {
    const job = await admin(`/admin/dead-letters/replays/${encodeURIComponent(jobId)}/${change}`, { method: 'POST' });
    await loadReplays();
    say('replays', `Replay ${job.id} is ${job.status}.`);
    loadAudit();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Audit trail and unsupported postcodes

let auditNext = null;

async function loadAudit({ more = false } = {}) {
  await inSection('audit', async () => {
    const query = new URLSearchParams({ limit: '25' });
    if (more && auditNext) query.set('pageToken', auditNext);
    const body = await admin(`/admin/audit?${query}`);
    auditNext = body.nextPageToken ?? null;
    const rows = body.items.map((a) => el('tr', { 'data-action': a.action },
      el('td', {}, el('time', { datetime: a.at }, formatMoment(a.at))),
      el('td', {}, a.who), el('td', {}, a.action), el('td', {}, a.what),
      el('td', { class: 'num' }, formatNumber(a.count)), el('td', {}, a.outcome)));
    const body_ = byId('audit-table').tBodies[0];
    if (more) body_.append(...rows);
    else clear(body_).append(...rows);
    byId('audit-next').hidden = !auditNext;
    if (!more && body.items.length === 0) say('audit', 'No operator action yet.');
  });
}

async function loadUnsupported() {
  await inSection('unsupported', async () => {
    const items = await admin('/admin/unsupported-postcodes');
    clear(byId('unsupported-table').tBodies[0]).append(...items.map((u) => el('tr', {},
      el('td', {}, u.postcode), el('td', { class: 'num' }, formatNumber(u.count)),
      el('td', {}, formatMoment(u.firstSeen)), el('td', {}, formatMoment(u.lastSeen)))));
    if (items.length === 0) say('unsupported', 'No unsupported postcode has been asked for.');
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Timers and wiring

let statesTimer = null;

function startTimers() {
  stopTimers();
  statesTimer = setInterval(() => {
    if (byId('states-live').checked && !document.hidden) inSection('states', loadStates, { quiet: true });
  }, statesEveryMs);
}

function stopTimers() {
  clearInterval(statesTimer);
  clearTimeout(replaysTimer);
  statesTimer = replaysTimer = null;
}

page.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = page.key.value.trim();
  if (key) connect(key, { fromUser: true });
});
page.forget.addEventListener('click', () => {
  disconnect(null);
  page.status.textContent = 'The key is forgotten.';
});

byId('states-refresh').addEventListener('click', () => inSection('states', loadStates));
byId('states-table').addEventListener('click', (event) => {
  const state = event.target.closest('[data-list-state]')?.dataset.listState;
  if (state) listState(state).then(() => byId('lookups-title').scrollIntoView());
});

byId('lookups-form').addEventListener('submit', (event) => {
  event.preventDefault();
  listState(byId('lookups-state').value);
});
byId('lookups-next').addEventListener('click', () => {
  lookupsPaging.tokens[++lookupsPaging.index] = lookupsPaging.next;
  lookupsPaging.tokens.length = lookupsPaging.index + 1;
  loadLookups();
});
byId('lookups-first').addEventListener('click', () => {
  Object.assign(lookupsPaging, { tokens: [null], index: 0 });
  loadLookups();
});

byId('history-form').addEventListener('submit', (event) => {
  event.preventDefault();
  showHistory(byId('history-id').value.trim(), { focus: true });
});
// Any "History" button of any section.
page.console.addEventListener('click', (event) => {
  const id = event.target.closest('[data-history]')?.dataset.history;
  if (id) showHistory(id, { focus: true });
});

byId('stuck-form').addEventListener('submit', (event) => {
  event.preventDefault();
  loadStuck();
});
byId('stuck-list').addEventListener('click', (event) => {
  const button = event.target.closest('[data-fix]');
  if (button) runFix(button);
});

byId('groups-form').addEventListener('submit', (event) => {
  event.preventDefault();
  loadGroups();
});
byId('groups-table').addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  if (button.dataset.dryRun) dryRun(button.dataset.dryRun);
  else if (button.dataset.replay) replayGroup(button.dataset.replay, button);
  else if (button.dataset.purge) purgeGroup(button.dataset.purge);
});

byId('replays-refresh').addEventListener('click', () => loadReplays());
byId('replays-list').addEventListener('click', (event) => {
  const button = event.target.closest('[data-change]');
  if (button) changeReplay(button.dataset.job, button.dataset.change);
});

byId('audit-refresh').addEventListener('click', () => loadAudit());
byId('audit-next').addEventListener('click', () => loadAudit({ more: true }));
byId('unsupported-refresh').addEventListener('click', () => loadUnsupported());

if (adminKey) connect(adminKey);
else page.key.focus();
