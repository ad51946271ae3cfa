// The lookup page (/): the forms, `/?postcode=..` and `/?latitude=..&longitude=..` run on load, the progress while the
// lookup runs, then the result (summary, chart, plot, table) or the API's problem details as a readable message.
import { runLookup, steps } from './lookups.js';
import { clear, count, el, formatMoment, formatMonth, formatNumber } from './dom.js';
import { categoryLabel, renderCategoryChart, renderCrimePlot } from './charts.js';

const byId = (id) => document.getElementById(id);
const page = {
  postcodeForm: byId('postcode-form'),
  coordinatesForm: byId('coordinates-form'),
  postcode: byId('postcode'),
  latitude: byId('latitude'),
  longitude: byId('longitude'),
  status: byId('status'),
  problem: byId('problem'),
  progressSection: byId('progress-section'),
  progress: byId('progress'),
  result: byId('result'),
  resultTitle: byId('result-title'),
  crimeTable: byId('crime-table'),
  showAll: byId('show-all'),
};
const baseTitle = document.title;
/** Rows the crime table shows before "Show all" (a dense area has 10,000 crimes). */
const firstRows = 250;
let running = null;

/** { postcode } or { latitude, longitude } from the address's query string, or null. */
function queryFrom(search) {
  const params = new URLSearchParams(search);
  const postcode = params.get('postcode');
  if (postcode !== null) return { postcode: postcode.trim() };
  if (params.has('latitude') || params.has('longitude')) {
    return { latitude: (params.get('latitude') ?? '').trim(), longitude: (params.get('longitude') ?? '').trim() };
  }
  return null;
}

function describe(query) {
  return 'postcode' in query ? query.postcode.toUpperCase() : `${query.latitude}, ${query.longitude}`;
}

/** Starts a lookup (ending the one running); fromUser: a submitted form, so the result takes the focus. */
async function start(query, { fromUser = false } = {}) {
  running?.abort();
  const controller = new AbortController();
  running = controller;

  showQueryInForms(query);
  clearProblem();
  page.result.hidden = true;
  page.progressSection.hidden = false;
  page.result.setAttribute('aria-busy', 'true');
  showStep('postcode' in query ? 'Geocoding' : 'FetchingCrimes', []);
  const seen = [];
  announce(`Looking up ${describe(query)}…`);

  try {
    const { result, stored } = await runLookup(query, {
      signal: controller.signal,
      onStatus: (status) => {
        seen.push(status);
        showStep(status, seen);
        if (status === 'Geocoding') announce(`Finding ${describe(query)} on the map…`);
        if (status === 'FetchingCrimes') announce('Fetching the crimes around it…');
      },
      onRetry: (seconds, problem) => announce(`${problem.title}. Trying again in ${Math.ceil(seconds)} s…`),
    });
    if (seen.at(-1) !== 'Completed') seen.push('Completed'); // a 200 at once, or a poll that said so
    showStep('Completed', seen);
    showResult(result, stored);
    const place = placeOf(result);
    announce(`Found ${count(result.totalCrimes, 'crime')} within ${result.radiusMiles} mile of ${place} in ${formatMonth(result.month)}.`);
    document.title = `${place}: ${count(result.totalCrimes, 'crime')} · ${baseTitle}`;
    if (fromUser) page.resultTitle.focus();
  } catch (error) {
    if (error?.name === 'AbortError') return;
    showStep(null, seen);
    announce('');
    showProblem(error, query);
    document.title = `${error.title ?? 'Error'} · ${baseTitle}`;
  } finally {
    if (running === controller) {
      running = null;
      page.result.removeAttribute('aria-busy');
    }
  }
}

function showQueryInForms(query) {
  for (const input of [page.postcode, page.latitude, page.longitude]) {
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', input === page.postcode ? 'postcode-hint' : 'coordinates-hint');
  }
  if ('postcode' in query) {
    page.postcode.value = query.postcode;
  } else {
    page.latitude.value = query.latitude;
    page.longitude.value = query.longitude;
  }
}

/** Marks the steps: done up to the current one, which is in progress; a lookup by coordinates skips geocoding. */
function showStep(current, seen) {
  const index = steps.indexOf(current);
  const skipsGeocoding = seen.length > 0 ? seen[0] === 'FetchingCrimes' : current === 'FetchingCrimes';
  page.progress.dataset.status = current ?? 'Stopped';
  page.progress.dataset.seen = seen.join(' ');
  for (const item of page.progress.children) {
    const position = steps.indexOf(item.dataset.step);
    let state;
    if (item.dataset.step === 'Geocoding' && skipsGeocoding) state = 'skipped';
    else if (index === -1) state = item.classList.contains('done') ? 'done' : 'stopped';
    else if (position < index || current === 'Completed') state = 'done';
    else if (position === index) state = 'current';
    else state = 'todo';
    item.className = state;
    item.querySelector('.step-state').textContent = {
      done: ' (done)', current: ' (in progress)', todo: ' (to do)', skipped: ' (not needed for coordinates)', stopped: ' (stopped)',
    }[state];
    if (state === 'current') item.setAttribute('aria-current', 'step');
    else item.removeAttribute('aria-current');
  }
}

function announce(text) {
  page.status.textContent = text;
}

function clearProblem() {
  clear(page.problem);
  page.problem.removeAttribute('data-status');
}

/** The API's problem details as a message: its title as a heading, its detail as the text. */
function showProblem(error, query) {
  page.progressSection.hidden = true;
  page.problem.dataset.status = String(error.status ?? 0);
  page.problem.append(
    el('h2', { 'data-testid': 'problem-title' }, error.title ?? 'Something went wrong'),
    el('p', { 'data-testid': 'problem-detail' }, error.detail || error.message || ''),
  );
  if (error.status === 400) {
    // The message says what is wrong with what was typed: tie it to the fields.
    const fields = 'postcode' in query ? [page.postcode] : [page.latitude, page.longitude];
    for (const input of fields) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby')} problem`);
    }
  }
}

function placeOf(result) {
  const query = result.query ?? {};
  return query.postcode ?? `${query.latitude ?? result.location.latitude}, ${query.longitude ?? result.location.longitude}`;
}

function showResult(result, stored) {
  const place = placeOf(result);
  page.resultTitle.textContent = `Crimes within ${result.radiusMiles} mile of ${place}`;
  byId('month').textContent = formatMonth(result.month);
  const total = byId('total-crimes');
  total.textContent = formatNumber(result.totalCrimes);
  total.dataset.count = result.totalCrimes;
  const source = byId('data-source');
  source.dataset.value = result.dataSource;
  source.textContent = result.dataSource === 'simulated' ? 'Simulated (offline demo)' : 'data.police.uk';
  byId('simulated-notice').hidden = result.dataSource !== 'simulated';
  byId('centre').textContent = `${result.location.latitude}, ${result.location.longitude}`;
  byId('fetched-at').textContent = `${formatMoment(result.fetchedAt)}${stored ? ' (a stored result)' : ''}`;

  renderCategoryChart(byId('category-chart').tBodies[0], result.byCategory, result.totalCrimes);
  renderCrimePlot(byId('crime-plot'), result, place);
  renderCrimeTable(result, firstRows);
  page.result.hidden = false;
}

/** The crimes by street (then category), the first `limit` of them with a button for the rest. */
function renderCrimeTable(result, limit) {
  const crimes = [...(result.crimes ?? [])].sort((a, b) =>
    (a.street ?? '').localeCompare(b.street ?? '', 'en-GB', { numeric: true }) || categoryLabel(a.category).localeCompare(categoryLabel(b.category)));
  const shown = crimes.slice(0, limit);
  clear(page.crimeTable.tBodies[0]).append(...shown.map((crime) => el('tr', { 'data-category': crime.category },
    el('td', {}, crime.street ?? ''),
    el('td', {}, categoryLabel(crime.category)),
    el('td', {}, crime.outcome ? `${crime.outcome.category} (${formatMonth(crime.outcome.date)})` : 'None recorded'))));
  byId('crime-table-caption').textContent = shown.length === crimes.length
    ? `${count(crimes.length, 'crime')} in ${formatMonth(result.month)}, by street`
    : `The first ${formatNumber(shown.length)} of ${count(crimes.length, 'crime')} in ${formatMonth(result.month)}, by street`;
  page.showAll.hidden = shown.length === crimes.length;
  page.showAll.textContent = `Show all ${count(crimes.length, 'crime')}`;
  page.showAll.onclick = () => {
    renderCrimeTable(result, Infinity);
    page.crimeTable.focus();
  };
}

function submitted(event, query) {
  event.preventDefault();
  const params = new URLSearchParams(query);
  history.pushState(null, '', `/?${params}`);
  start(query, { fromUser: true });
}

page.postcodeForm.addEventListener('submit', (event) =>
  submitted(event, { postcode: page.postcode.value.trim() }));
page.coordinatesForm.addEventListener('submit', (event) =>
  submitted(event, { latitude: page.latitude.value.trim(), longitude: page.longitude.value.trim() }));

function fromAddress() {
  const query = queryFrom(location.search);
  if (query) {
    start(query);
  } else {
    running?.abort();
    page.result.hidden = true;
    page.progressSection.hidden = true;
    clearProblem();
    announce('');
    document.title = baseTitle;
  }
}

window.addEventListener('popstate', fromAddress);
fromAddress();
