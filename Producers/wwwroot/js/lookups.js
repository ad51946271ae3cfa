// A lookup as a client of the public API does it (docs/architecture.md, "HTTP contract"): ask for the postcode or the
// coordinates; a 200 is the result, a 202 says where to poll (Location) and when (Retry-After).
import { ProblemError, requestJson, retryAfterSeconds, sleep } from './api.js';

/** The lookup's states, in the order a successful lookup passes them. */
export const steps = ['Geocoding', 'FetchingCrimes', 'Completed'];

/** A lookup that ended without a result and without problem details of its own (a Failed lookup). */
export class LookupEndedError extends ProblemError {
  constructor(status) {
    super(0, {
      title: status.status === 'Failed' ? 'The lookup failed' : `The lookup ended: ${status.status}`,
      detail: 'The crime data could not be fetched this time, even after several attempts. Please try again in a few minutes.' +
        (status.reason ? ` (The service gave this reason: ${status.reason})` : ''),
    });
    this.name = 'LookupEndedError';
    this.lookup = status;
  }
}

/** The API address for a query: { postcode } or { latitude, longitude } (as typed; the API checks them). */
export function lookupUrl(query) {
  if ('postcode' in query) {
    return `/postcode/${encodeURIComponent(query.postcode)}`;
  }
  const params = new URLSearchParams({ latitude: query.latitude, longitude: query.longitude });
  return `/coordinates?${params}`;
}

/**
 * Runs a lookup to its end. Resolves to { result, stored } (stored: the API had a fresh result at once); rejects with
 * a ProblemError carrying the API's problem details (400, 404, 422), a LookupEndedError, or the signal's AbortError.
 * onStatus(status, body) is told each state seen while it runs.
 */
export async function runLookup(query, { signal, onStatus, onRetry } = {}) {
  const url = lookupUrl(query);
  const first = await requestJson(url, { signal, onRetry });
  if (first.status === 200) {
    return { result: first.body, stored: true };
  }

  const statusUrl = first.headers.get('Location') || first.body.statusUrl;
  onStatus?.(first.body.status, first.body);
  let wait = retryAfterSeconds(first.headers, 1);
  for (;;) {
    await sleep(wait * 1000, signal);
    const poll = await requestJson(statusUrl, { signal, onRetry });
    const status = poll.body;
    onStatus?.(status.status, status);
    switch (status.status) {
      case 'Completed':
        return { result: status.result ?? (await requestJson(url, { signal, onRetry })).body, stored: false };
      case 'NotFound':
      case 'Unsupported': {
        // The query's own answer now says why, as problem details (404, 422): ask it again rather than read `reason`.
        const again = await requestJson(url, { signal, onRetry });
        if (again.status === 200) return { result: again.body, stored: true };
        throw new LookupEndedError(status);
      }
      case 'Failed':
        throw new LookupEndedError(status);
      default:
        wait = retryAfterSeconds(poll.headers, wait);
    }
  }
}
