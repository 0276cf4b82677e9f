// The front end talks to the server only through the public GraphQL API, like any integrator.

const TOKENS_KEY = 'passerelle.tokens';

/** Why a request failed, in the terms the pages word their messages in. */
export class ApiError extends Error {
  constructor(kind, message, details = {}) {
    super(message);
    this.kind = kind; // 'unavailable' | 'internal' | 'rate-limited' | 'input' | 'not-found'
    this.details = details;
  }
}

function readTokens() {
  try {
    return JSON.parse(localStorage.getItem(TOKENS_KEY) || 'null');
  } catch {
    return null;
  }
}

export function saveTokens(tokens) {
  try {
    if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(TOKENS_KEY);
  } catch {
    // Storage refused: the sign-in lasts for this page only.
  }
  memory = tokens;
}

let memory = readTokens();

export const signedIn = () => Boolean(memory?.accessToken);

/** The current sign-in: tokens and the user's name, or null. */
export const session = () => memory;

async function post(query, variables, token) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError('unavailable', String(error));
  }
  if (response.status === 429) {
    throw new ApiError('rate-limited', 'rate limited', {
      retryAfter: Number(response.headers.get('Retry-After')) || 5,
    });
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.status === 401) return { unauthenticated: true, body };
  if (!body || (response.status >= 500 && !body.errors)) {
    throw new ApiError('unavailable', `HTTP ${response.status}`);
  }
  return { body };
}

/** Trades the refresh token for new tokens; false when the sign-in is over. */
async function refresh() {
  const refreshToken = memory?.refreshToken;
  if (!refreshToken) return false;
  const { body } = await post(
    'mutation Refresh($token: String!) { refreshToken(refreshToken: $token) { accessToken refreshToken } }',
    { token: refreshToken },
  );
  const payload = body?.data?.refreshToken;
  if (payload?.accessToken) {
    saveTokens({ ...memory, accessToken: payload.accessToken, refreshToken: payload.refreshToken });
    return true;
  }
  saveTokens(null);
  return false;
}

/**
 * Runs a GraphQL operation and returns its `data`. An expired access token is refreshed once;
 * a sign-in that cannot be refreshed ends and the request runs anonymously.
 */
export async function graphql(query, variables = {}) {
  let result = await post(query, variables, memory?.accessToken);
  if (result.unauthenticated) {
    await refresh();
    result = await post(query, variables, memory?.accessToken);
    if (result.unauthenticated) {
      saveTokens(null);
      result = await post(query, variables, null);
    }
  }
  const { body } = result;
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    if (code === 'INTERNAL') throw new ApiError('internal', error.message, { requestId: error.extensions.requestId });
    if (code === 'NOT_FOUND') throw new ApiError('not-found', error.message);
    if (code === 'BAD_USER_INPUT') throw new ApiError('input', error.message);
    throw new ApiError('unavailable', error.message);
  }
  return body.data;
}
