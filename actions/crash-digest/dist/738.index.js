export const id = 738;
export const ids = [738];
export const modules = {

/***/ 4738:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  crashIssueStoreFor: () => (/* binding */ crashIssueStoreFor),
  githubCrashIssueStore: () => (/* binding */ githubCrashIssueStore)
});

// EXTERNAL MODULE: ./node_modules/.pnpm/@actions+github@9.1.1/node_modules/@actions/github/lib/utils.js + 20 modules
var utils = __webpack_require__(7824);
// EXTERNAL MODULE: ./node_modules/.pnpm/@octokit+plugin-retry@8.1.1_@octokit+core@7.0.8/node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(7517);
// EXTERNAL MODULE: ./node_modules/.pnpm/@octokit+plugin-throttling@11.0.5_@octokit+core@7.0.8/node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(8864);
;// CONCATENATED MODULE: ./packages/github/src/request-budget.ts
/**
 * Time limits for GitHub requests: each attempt has its own timeout, and all of a run's GitHub work
 * shares one budget, so a GitHub that accepts connections and never answers costs a bounded time
 * and the action still gets to send its alert.
 */
/** Longest wait for one attempt of one request. */
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
/** Below this, a retry (or a rate-limit wait) is not worth starting: the budget would cut it. */
const MIN_ATTEMPT_MS = 1_000;
/**
 * A request that ran out of time. Named `AbortError` on purpose: @octokit/request passes such an
 * error through unchanged (any other fetch failure becomes a "500" RequestError) and plugin-retry
 * does not retry it, so a hung GitHub is not waited for a second time.
 */
class GitHubTimeoutError extends Error {
    reason;
    request;
    name = 'AbortError';
    timeout = true;
    constructor(message, 
    /** `request`: one attempt took too long; `budget`: the run's GitHub budget is used up. */
    reason, 
    /** Which request, as on octokit's RequestError (callers word errors by the URL). */
    request) {
        super(message);
        this.reason = reason;
        this.request = request;
    }
}
/** True for our own timeouts, and for fetch's abort/timeout errors anywhere in the cause chain. */
function isTimeoutError(error) {
    for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
        if (e instanceof GitHubTimeoutError)
            return true;
        const name = e.name;
        if (name === 'TimeoutError' || name === 'AbortError')
            return true;
        const code = e.code;
        if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT')
            return true;
        e = e.cause;
    }
    return false;
}
function createRequestBudget(options) {
    const now = options.now ?? Date.now;
    const start = now();
    const totalMs = options.totalMs;
    return {
        left: () => (totalMs === undefined ? Infinity : totalMs - (now() - start)),
        requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        totalMs,
    };
}
const seconds = (ms) => `${Math.round(ms / 100) / 10} s`;
function budgetError(budget, what) {
    return new GitHubTimeoutError(`${what.name} not answered: the ${seconds(budget.totalMs ?? 0)} budget for GitHub requests in this run (github-timeout) is used up.`, 'budget', what.request);
}
function named(options) {
    return { name: requestName(options), request: { method: options.method ?? 'GET', url: options.url ?? '' } };
}
/** `GET /repos/{owner}/{repo}/issues`, without host or query (paginated URLs are absolute). */
function requestName(options) {
    const path = (options.url ?? '').replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '');
    return `${options.method ?? 'GET'} ${path}`;
}
/** fetch with a timeout of min(budget left, per-request timeout) per attempt. */
function timedFetch(inner, budget, what) {
    return async (input, init) => {
        const left = budget.left();
        if (left <= 0)
            throw budgetError(budget, what);
        const ms = Math.min(left, budget.requestTimeoutMs);
        const controller = new AbortController();
        // Not cleared when the headers arrive: the timer also bounds reading the body. Unref'd, so a
        // pending one never keeps the process alive.
        setTimeout(() => controller.abort(), ms).unref();
        const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
        try {
            return await inner(input, { ...init, signal });
        }
        catch (error) {
            if (!controller.signal.aborted)
                throw error;
            throw ms < budget.requestTimeoutMs
                ? budgetError(budget, what)
                : new GitHubTimeoutError(`${what.name} not answered within ${seconds(ms)}.`, 'request', what.request);
        }
    };
}
/**
 * The octokit `request` hook that applies the budget. Registered after the retry and throttling
 * plugins, it wraps them, so it bounds their retries and waits too.
 */
function budgetHook(budget, retry) {
    return async (request, options) => {
        const what = named(options);
        if (budget.left() <= 0)
            throw budgetError(budget, what);
        const given = options.request ?? {};
        const req = {
            ...given,
            fetch: timedFetch(given.fetch ?? globalThis.fetch, budget, what),
        };
        const wanted = typeof given.retries === 'number' ? given.retries : retry.retries;
        // plugin-retry reads `request.retries` after each failure and then waits (n+1)² units: retry
        // only while that wait still leaves time for an attempt, so retries never outlast the budget.
        // Not enumerable: copied into the error's request, it would make plugin-retry retry a 401 too.
        Object.defineProperty(req, 'retries', {
            enumerable: false,
            configurable: true,
            get() {
                const done = this.retryCount ?? 0;
                const wait = (done + 1) ** 2 * retry.waitUnitMs;
                return budget.left() > wait + MIN_ATTEMPT_MS ? wanted : Math.min(done, wanted);
            },
        });
        options.request = req;
        const left = budget.left();
        if (!Number.isFinite(left))
            return await request(options);
        let timer;
        const deadline = new Promise((_, reject) => {
            timer = setTimeout(() => reject(budgetError(budget, what)), left);
            timer.unref();
        });
        try {
            return await Promise.race([Promise.resolve(request(options)), deadline]);
        }
        finally {
            clearTimeout(timer);
        }
    };
}
/** Whether a rate-limit wait of `ms` fits in what is left of the budget. */
function waitFits(budget, ms) {
    return budget.left() > ms + MIN_ATTEMPT_MS;
}

;// CONCATENATED MODULE: ./packages/github/src/client.ts




/**
 * Octokit as @actions/github builds it (REST methods, pagination, proxy support), plus throttling
 * and retries: @actions/github alone has neither (REFERENCE §3).
 */
const ThrottledGitHub = utils/* GitHub */.gq.plugin(plugin_throttling_dist_bundle/* throttling */.A, dist_bundle/* retry */.L);
const settings = new WeakMap();
function clientSettings(client) {
    return settings.get(client) ?? { waitUnitMs: 1000 };
}
const DEFAULT_API_URL = 'https://api.github.com';
function createGitHubClient(options) {
    const log = options.log ?? (() => undefined);
    const retries = options.retries ?? 3;
    const unit = options.waitUnitMs ?? 1000;
    const maxWait = options.maxRateLimitWaitSeconds ?? 60;
    const budget = createRequestBudget({
        ...(options.budgetMs !== undefined ? { totalMs: options.budgetMs } : {}),
        ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
    const onLimit = (kind) => (retryAfter, request, _octokit, retryCount) => {
        // Paginated requests carry the absolute URL of the next page: log its path only.
        const what = `${request.method} ${request.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/, '')}`;
        if (retryCount >= retries) {
            log(`GitHub ${kind} on ${what}: giving up after ${retryCount} retries.`);
            return false;
        }
        if (retryAfter > maxWait) {
            log(`GitHub ${kind} on ${what}: reset in ${retryAfter} s is too far away to wait for.`);
            return false;
        }
        if (!waitFits(budget, retryAfter * unit)) {
            log(`GitHub ${kind} on ${what}: a wait of ${retryAfter} s does not fit in the github-timeout budget.`);
            return false;
        }
        log(`GitHub ${kind} on ${what}: waiting ${retryAfter} s before retry ${retryCount + 1}/${retries}.`);
        return true;
    };
    const client = new ThrottledGitHub({
        auth: `token ${options.token}`,
        baseUrl: (options.baseUrl || DEFAULT_API_URL).replace(/\/+$/, ''),
        ...(options.userAgent ? { userAgent: options.userAgent } : {}),
        // Octokit's own console logging would print request failures we already report once.
        log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
        retry: { retries, retryAfterBaseValue: unit },
        throttle: {
            retryAfterBaseValue: unit,
            onRateLimit: onLimit('rate limit'),
            onSecondaryRateLimit: onLimit('secondary rate limit'),
            ...(options.writeSpacingMs
                ? {
                    write: spacedGroup(options.writeSpacingMs.write),
                    notifications: spacedGroup(options.writeSpacingMs.notifications),
                }
                : {}),
        },
    });
    client.hook.wrap('request', budgetHook(budget, { retries, waitUnitMs: unit }));
    settings.set(client, { waitUnitMs: unit });
    return client;
}
/**
 * The part of a Bottleneck group the throttling plugin uses for write spacing (`key(id).schedule(
 * options, fn)`), with a configurable spacing: the plugin's own groups are process-wide singletons
 * with fixed spacing, and Bottleneck is not ours to import.
 */
function spacedGroup(minTimeMs) {
    let next = 0;
    let queue = Promise.resolve();
    const limiter = {
        schedule: (...args) => {
            const [fn, ...rest] = (typeof args[0] === 'function' ? args : args.slice(1));
            const run = queue.then(async () => {
                const wait = next - Date.now();
                if (wait > 0)
                    await new Promise((resolve) => setTimeout(resolve, wait));
                next = Date.now() + minTimeMs;
                return fn(...rest);
            });
            queue = run.catch(() => undefined);
            return run;
        },
    };
    return { key: () => limiter };
}

// EXTERNAL MODULE: ./packages/action/src/index.ts + 8 modules
var src = __webpack_require__(7691);
;// CONCATENATED MODULE: ./packages/github/src/incident-issues.ts



const MARKER_START = '<!-- sre-toolkit:';
/** The marker as we write it: one line (its JSON has no raw newline, `<` or `>`), ending the body. */
const TRAILING_MARKER = /^<!-- sre-toolkit:(\S+) (\{[^\n]*\}) -->\s*$/;
/**
 * Makes outside text inert inside an issue body or comment: `<!--` and `-->` become entities, so
 * the text can neither hide what follows it nor pass for one of our markers. Markdown shows
 * entities as the characters they stand for; idempotent, so text read back can be written again.
 */
function escapeHtmlComment(text) {
    return text.replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;');
}
/**
 * Issue titles are plain text (entities would show as typed), so outside text in them gets one
 * line and non-breaking hyphens in comment markers: no `<!--` from a commit title sits in an issue.
 */
function issueTitle(text) {
    return (0,src/* oneLine */.TN)(text).replace(/<!--/g, '<!\u2011\u2011').replace(/-->/g, '\u2011\u2011>').slice(0, 256);
}
/** Keys are free text for callers; in the marker they must hold no whitespace and no `-->`. */
function encodeKey(key) {
    return key.replace(/[^\w.:/@+=,-]/g, (c) => encodeURIComponent(c)).replace(/--/g, '-%2D');
}
/** The marker line for `key` and `state`; JSON is escaped so it can never close the comment. */
function incidentMarker(key, state) {
    const json = JSON.stringify(state).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
    return `<!-- sre-toolkit:${encodeKey(key)} ${json} -->`;
}
/**
 * Reads the marker of an issue body: its key and state, and the visible body before it. Only the
 * last marker counts, and only when nothing but whitespace follows it: a marker planted in the
 * visible text is never read.
 */
function parseIncidentBody(body) {
    const text = body ?? '';
    const at = text.lastIndexOf(MARKER_START);
    if (at < 0)
        return undefined;
    const m = TRAILING_MARKER.exec(text.slice(at));
    if (!m)
        return undefined;
    let state;
    try {
        state = JSON.parse(m[2] ?? '');
    }
    catch {
        return undefined;
    }
    if (!state || typeof state !== 'object' || Array.isArray(state))
        return undefined;
    let key;
    try {
        key = decodeURIComponent(m[1] ?? '');
    }
    catch {
        return undefined;
    }
    const visible = text.slice(0, at).trimEnd();
    return { key, state: state, visible };
}
/** The body we write: the visible text, made inert (escapeHtmlComment), then our marker. */
function incidentBody(visible, key, state) {
    return `${escapeHtmlComment(visible).trimEnd()}\n\n${incidentMarker(key, state)}\n`;
}
/** The login GITHUB_TOKEN acts as: the author of every issue the default token opens. */
const ACTIONS_BOT_LOGIN = 'github-actions[bot]';
const identities = new WeakMap();
function identityOf(client) {
    let id = identities.get(client);
    if (!id)
        identities.set(client, (id = { created: new Set() }));
    return id;
}
/**
 * Whether an issue was opened by the token's own identity, the only author whose marker we
 * believe. Trusted without a request: `github-actions[bot]` (GITHUB_TOKEN, the actions' default;
 * only workflows of the repository act as it) and the author of any issue this client opened. Any
 * other author costs one GraphQL `viewer { login }` per client, made only when such an issue
 * carries a marker: REST `GET /user` refuses installation tokens, while `viewer` names the bot of
 * an app's installation token (`my-app[bot]`, which is also `performed_via_github_app.slug` +
 * `[bot]`) and the user of a personal token. When that lookup fails, the author is not trusted.
 */
async function trustedAuthor(client, issue) {
    const login = issue.user?.login;
    if (!login)
        return false;
    const id = identityOf(client);
    if (login === ACTIONS_BOT_LOGIN || id.created.has(login))
        return true;
    id.viewer ??= client.graphql('query { viewer { login } }').then((data) => data.viewer.login, () => undefined);
    return (await id.viewer) === login;
}
/**
 * Every open incident issue with `label`, by key: one paginated listing (100 per page) serves any
 * number of keys, which is what keeps a scan of many workflows cheap. Issues opened by anyone but
 * the token's identity are ignored, whatever their label and marker.
 */
async function listIncidentIssues(client, options) {
    const found = new Map();
    const all = options.state === 'all';
    const pages = client.paginate.iterator(client.rest.issues.listForRepo, {
        owner: options.owner,
        repo: options.repo,
        labels: options.label,
        state: options.state ?? 'open',
        per_page: 100,
    });
    for await (const page of pages) {
        for (const issue of page.data) {
            if (issue.pull_request)
                continue;
            const parsed = parseIncidentBody(issue.body);
            if (!parsed || (options.keyPrefix && !parsed.key.startsWith(options.keyPrefix)))
                continue;
            // The newest issue wins when a person duplicated one: listings are newest first.
            if (found.has(parsed.key) || !(await trustedAuthor(client, issue)))
                continue;
            found.set(parsed.key, {
                number: issue.number,
                url: issue.html_url,
                title: issue.title,
                body: parsed.visible,
                state: parsed.state,
                ...(all
                    ? {
                        open: issue.state === 'open',
                        labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
                        closedAt: issue.closed_at,
                    }
                    : {}),
            });
        }
    }
    return found;
}
/** The open issue with `label` whose marker carries `key`, if any. */
async function findIncidentIssue(client, options) {
    const all = await listIncidentIssues(client, {
        owner: options.owner,
        repo: options.repo,
        label: options.label,
    });
    return all.get(options.key);
}
/** Creates `label` unless it exists (a read first, so the common case costs no write). */
async function ensureLabel(client, options) {
    try {
        await client.rest.issues.getLabel({ owner: options.owner, repo: options.repo, name: options.label });
        return;
    }
    catch (error) {
        if (statusOf(error) !== 404)
            throw error;
    }
    try {
        await client.rest.issues.createLabel({
            owner: options.owner,
            repo: options.repo,
            name: options.label,
            color: options.color ?? 'b60205',
            ...(options.description ? { description: options.description } : {}),
        });
    }
    catch (error) {
        // Another run created it between our read and write: that is the state we wanted.
        if (statusOf(error) !== 422)
            throw error;
    }
}
async function openIncidentIssue(client, options) {
    if (!options.labelExists)
        await ensureLabel(client, {
            owner: options.owner,
            repo: options.repo,
            label: options.label,
            ...(options.labelColor ? { color: options.labelColor } : {}),
            ...(options.labelDescription ? { description: options.labelDescription } : {}),
        });
    const ref = { owner: options.owner, repo: options.repo };
    const body = incidentBody(options.body, options.key, options.state);
    const created = (data) => {
        if (data.user?.login)
            identityOf(client).created.add(data.user.login);
        return {
            number: data.number,
            url: data.html_url,
            title: data.title,
            body: escapeHtmlComment(options.body).trimEnd(),
            state: options.state,
        };
    };
    for (let attempt = 1;; attempt++) {
        try {
            const { data } = await client.rest.issues.create({
                ...ref,
                title: issueTitle(options.title),
                body,
                labels: [options.label],
                // Creating is not idempotent: no blind retry by plugin-retry, the loop below retries.
                request: { retries: 0 },
            });
            return created(data);
        }
        catch (error) {
            if (attempt >= CREATE_ATTEMPTS || !mayHaveLanded(error))
                throw error;
            // A 5xx or a lost answer may come after GitHub created the issue: look for our marker
            // before creating again, so a retry never opens a second issue.
            let existing;
            try {
                existing = (await listIncidentIssues(client, { ...ref, label: options.label })).get(options.key);
            }
            catch {
                throw error;
            }
            if (existing)
                return existing;
            await sleep(attempt ** 2 * clientSettings(client).waitUnitMs);
        }
    }
}
/** Creates of one incident issue, each after a look for the previous one's issue. */
const CREATE_ATTEMPTS = 3;
/** A failure after which the request may still have been carried out: 5xx, or no answer at all. */
function mayHaveLanded(error) {
    const status = statusOf(error);
    const answered = !!error && typeof error === 'object' && 'response' in error && !!error.response;
    return isTimeoutError(error) || !answered || (status !== undefined && status >= 500);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function updateIncidentIssue(client, issue, options) {
    const visible = options.body ?? issue.body;
    if (options.comment)
        await comment(client, issue, options, options.comment);
    const { data } = await client.rest.issues.update({
        owner: options.owner,
        repo: options.repo,
        issue_number: issue.number,
        body: incidentBody(visible, options.key, options.state),
        ...(options.reopen ? { state: 'open' } : {}),
        ...(options.title ? { title: issueTitle(options.title) } : {}),
    });
    return {
        number: data.number,
        url: data.html_url,
        title: data.title,
        body: visible.trimEnd(),
        state: options.state,
    };
}
async function closeIncidentIssue(client, issue, options) {
    if (options.comment)
        await comment(client, issue, options, options.comment);
    await client.rest.issues.update({
        owner: options.owner,
        repo: options.repo,
        issue_number: issue.number,
        state: 'closed',
        state_reason: 'completed',
        ...(options.state || options.body
            ? { body: incidentBody(options.body ?? issue.body, options.key, options.state ?? issue.state) }
            : {}),
    });
}
async function comment(client, issue, repo, body) {
    await client.rest.issues.createComment({
        owner: repo.owner,
        repo: repo.repo,
        issue_number: issue.number,
        body: escapeHtmlComment(body),
    });
}
/** The HTTP status of an octokit RequestError, if it is one. */
function statusOf(error) {
    if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number')
        return error.status;
    return undefined;
}

;// CONCATENATED MODULE: ./packages/github/src/errors.ts


/**
 * A message a workflow author can act on for a failed GitHub request: what was being done, what
 * GitHub said, and what to change. `doing` reads like "listing runs of ci.yml".
 *
 * Only an answer from GitHub is described by its status: @octokit/request reports a timeout,
 * refused connection, DNS or TLS failure as a "500" without a response, and calling that "GitHub
 * answered 500" would send the reader to GitHub's status page instead of their network.
 */
function describeGitHubError(error, doing, permission) {
    if (isTimeoutError(error))
        return `GitHub did not answer in time while ${doing}: ${messageOf(error)} Raise github-timeout if GitHub is only slow.`;
    if (!answered(error))
        return `Could not reach GitHub while ${doing}: ${networkReason(error)}`;
    const status = statusOf(error);
    const said = githubMessage(error);
    switch (status) {
        case 401:
            return `GitHub rejected the token while ${doing} (401 ${said}): check the github-token input; it is invalid or expired.`;
        case 403:
            if (/rate limit/i.test(said))
                return `GitHub rate limit while ${doing} (403 ${said}): retried until the wait was too long; run again later or use a token with a higher limit.`;
            return `The token may not do this while ${doing} (403 ${said})${permission ? `: grant the workflow \`permissions: ${permission}\`` : ''}.`;
        case 404:
            return `Not found while ${doing} (404): check the repository name and that the token can see it.`;
        case 429:
            return `GitHub rate limit while ${doing} (429 ${said}): run again later.`;
        case undefined:
            return `Could not reach GitHub while ${doing}: ${networkReason(error)}`;
        default:
            return `GitHub answered ${status} while ${doing}${status >= 500 ? ' (after retries)' : ''}: ${said}`;
    }
}
/** Whether GitHub sent an HTTP answer (a RequestError with a response), as opposed to no answer. */
function answered(error) {
    if (!error || typeof error !== 'object')
        return false;
    if ('response' in error && error.response)
        return true;
    // Errors built by hand (tests, other clients) carry a status but no request: trust the status.
    return statusOf(error) !== undefined && !('request' in error);
}
/** What went wrong on the way: the innermost cause with its code (ECONNREFUSED, ENOTFOUND, CERT_…). */
function networkReason(error) {
    let reason = messageOf(error);
    for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
        const code = e.code;
        const message = e.message;
        if (typeof code === 'string' && typeof message === 'string')
            reason = message.includes(code) ? message : `${code} ${message}`;
        e = e.cause;
    }
    return reason;
}
const messageOf = (error) => (error instanceof Error ? error.message : String(error));
function githubMessage(error) {
    const data = error && typeof error === 'object' && 'response' in error
        ? error.response?.data
        : undefined;
    if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string')
        return data.message;
    return messageOf(error);
}

;// CONCATENATED MODULE: ./packages/github/src/index.ts
// The package's public surface: what other packages, actions, tests and scripts import.
// Anything else is internal; the package's own tests import modules directly.






// EXTERNAL MODULE: ./packages/crashes/src/crash-issues.ts
var crash_issues = __webpack_require__(6804);
;// CONCATENATED MODULE: ./packages/crashes/src/crash-issues-github.ts


const KEY_PREFIX = 'crash-digest:';
/** Crash issues in the repository a workflow runs in: one paginated listing of open and closed. */
function githubCrashIssueStore(client, repo) {
    const ref = { owner: repo.owner, repo: repo.repo };
    const asIncident = (issue) => ({
        number: issue.number,
        url: issue.url,
        title: '',
        body: '',
        state: issue.state,
    });
    const stateOf = (s) => ({ ...s });
    let labelExists = false;
    return {
        async list() {
            const all = await explained('reading crash issues', () => listIncidentIssues(client, { ...ref, label: crash_issues/* CRASH_LABEL */.Dx, keyPrefix: KEY_PREFIX, state: 'all' }));
            const out = new Map();
            for (const [key, issue] of all) {
                out.set(key.slice(KEY_PREFIX.length), {
                    number: issue.number,
                    url: issue.url,
                    open: issue.open ?? true,
                    labels: issue.labels ?? [],
                    state: issue.state,
                });
                labelExists = true;
            }
            return out;
        },
        async open(fingerprint, title, body, state) {
            const issue = await explained('opening a crash issue', () => openIncidentIssue(client, {
                ...ref,
                label: crash_issues/* CRASH_LABEL */.Dx,
                key: KEY_PREFIX + fingerprint,
                title: `💥 ${title}`,
                body,
                state: stateOf(state),
                labelExists,
                labelDescription: 'A crash group, opened by the crash-digest action; close it when fixed',
            }));
            labelExists = true;
            return { number: issue.number, url: issue.url, open: true, labels: [crash_issues/* CRASH_LABEL */.Dx], state: issue.state };
        },
        async update(issue, body, state) {
            await explained(`updating crash issue #${issue.number}`, () => updateIncidentIssue(client, asIncident(issue), {
                ...ref,
                key: KEY_PREFIX + state.fingerprint,
                body,
                state: stateOf(state),
            }));
        },
        async reopen(issue, body, state, comment) {
            await explained(`reopening crash issue #${issue.number}`, () => updateIncidentIssue(client, asIncident(issue), {
                ...ref,
                key: KEY_PREFIX + state.fingerprint,
                body,
                state: stateOf(state),
                comment,
                reopen: true,
            }));
        },
        async lastComment(issue) {
            const comments = await explained(`reading the comments of crash issue #${issue.number}`, () => client.paginate(client.rest.issues.listComments, {
                ...ref,
                issue_number: issue.number,
                per_page: 100,
            }));
            return comments[comments.length - 1]?.body ?? undefined;
        },
    };
}
/** Rethrows a failed request as a message a workflow author can act on. */
async function explained(doing, request) {
    try {
        return await request();
    }
    catch (error) {
        throw new Error(describeGitHubError(error, doing, 'issues: write'), { cause: error });
    }
}
/** The store for `issues: true`; none, with a warning, without a token or repository. */
function crashIssueStoreFor(rt, ctx, options) {
    if (!options.token || !ctx.owner) {
        rt.warning('issues is true but there is no github-token or repository; no crash issues are read or written.');
        return undefined;
    }
    const client = createGitHubClient({ ...options, baseUrl: ctx.apiUrl, log: (m) => rt.info(m) });
    return githubCrashIssueStore(client, { owner: ctx.owner, repo: ctx.repo });
}


/***/ })

};
