// Talking to our HTTP API from a page: JSON requests, problem details (RFC 9457), Retry-After and cancellable waits.
// Plain ES modules served as they are (no build step, no library); shared by every page under wwwroot.

/** An error answer of the API, read from its problem details: title and detail are written for people. */
export class ProblemError extends Error {
  constructor(status, problem) {
    const title = problem?.title || (status ? `The service answered ${status}` : 'The service did not answer');
    const detail = problem?.detail || '';
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'ProblemError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.problem = problem ?? {};
  }
}

/** Answers worth retrying after their Retry-After: the per-client rate limit, and the store or broker being away. */
const retryable = new Set([429, 503]);

/**
 * Sends a request and reads its JSON. A 2xx gives { status, headers, body }; a 429 or 503 is retried after its
 * Retry-After (at most maxRetries times, onRetry(seconds, problem) told first); any other error throws ProblemError.
 */
export async function requestJson(url, { method = 'GET', headers = {}, body, signal, maxRetries = 3, onRetry } = {}) {
  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(url, {
        method,
        body,
        signal,
        headers: { Accept: 'application/json, application/problem+json', ...headers },
      });
    } catch (error) {
      if (error?.name === 'AbortError') throw error;
      throw new ProblemError(0, {
        title: 'The service did not answer',
        detail: 'The request did not reach the service. Check the connection and try again.',
      });
    }

    const payload = await readBody(response);
    if (response.ok) {
      return { status: response.status, headers: response.headers, body: payload };
    }

    const problem = toProblem(response, payload);
    if (retryable.has(response.status) && attempt < maxRetries) {
      const seconds = retryAfterSeconds(response.headers, 1);
      onRetry?.(seconds, problem);
      await sleep(seconds * 1000, signal);
      continue;
    }

    throw problem;
  }
}

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), else the fallback; at most a minute. */
export function retryAfterSeconds(headers, fallback) {
  const value = headers?.get('Retry-After')?.trim();
  if (!value) return fallback;
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.min(60, Math.max(0, seconds)) : fallback;
}

/** Waits, or rejects with the signal's AbortError as soon as it is aborted. */
export function sleep(milliseconds, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function readBody(response) {
  const type = response.headers.get('Content-Type') || '';
  try {
    return type.includes('json') ? await response.json() : await response.text();
  } catch {
    return null;
  }
}

function toProblem(response, payload) {
  if (payload && typeof payload === 'object') {
    return new ProblemError(response.status, payload);
  }
  return new ProblemError(response.status, { title: response.statusText || `The service answered ${response.status}` });
}
