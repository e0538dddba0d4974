/**
 * The explorer's web server (node:http: five routes and a form body need no framework).
 *
 * Security: it listens on 127.0.0.1 unless told otherwise; every request must carry the run's
 * random token (`t=` in the URL, compared in constant time) or gets 403, so another page in the
 * browser cannot drive it; with the default loopback address it also refuses a Host header that
 * is not the loopback (DNS rebinding). It reads no file: a trace arrives as the text of a form
 * field, is parsed as data and never names code to load; nothing from a request is evaluated.
 * Bad input (an unknown step, a malformed trace, an unknown property) gets a 4xx and a page that
 * says what was wrong; a model that throws gets a 500 naming the model; nothing ends the server.
 *
 * Routes (GET unless noted): `/` the page at a position · `/find` search from the cursor ·
 * `/configure` switch the setting under the same path · `/export` the path as a trace file ·
 * POST `/load` open a trace file.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError, ModelError, describeError } from '../model/errors.ts';
import type { ModelDefinition } from '../model/definition.ts';
import { parseTraceFile, type TraceFile } from '../trace/file.ts';
import { choices } from './choices.ts';
import { ANY_VIOLATION, findNearest, findTargets } from './find.ts';
import { explorerPage, href, PAGE_CSP_HEADER, type Notice } from './page.ts';
import { ModelCache, settingFromQuery, settingOfTrace, settingQuery, type Setting } from './setting.ts';
import { exportTrace, openTrace } from './trace-files.ts';
import { verdicts } from './verdicts.ts';
import { follow, positionFromQuery, positionQuery, START, walk, type Position } from './walk.ts';

/** The address the explorer listens on unless `--host` says otherwise. */
export const LOOPBACK = '127.0.0.1';

/** Largest trace file accepted through the page. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/** States Find stores at most unless `--max-states` says otherwise. */
export const DEFAULT_FIND_STATES = 1_000_000;

export interface ExplorerOptions {
  readonly definition: ModelDefinition<any>;
  /** The setting the start page shows. */
  readonly setting: Setting;
  /** The position the start page shows (default: the initial state). */
  readonly position?: Position;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port chosen by the system. */
  readonly port?: number;
  /** The bound of Find's search. */
  readonly maxStates?: number;
}

export interface Explorer {
  /** The start page, token included: what to open in a browser. */
  readonly url: string;
  readonly token: string;
  /** Where the server listens. */
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/** A response as the routes produce it. */
type Reply =
  | { readonly kind: 'page'; readonly status: number; readonly setting: Setting; readonly position: Position; readonly notices: readonly Notice[] }
  | { readonly kind: 'file'; readonly name: string; readonly body: string };

/** The routes, and the state they share: the definition, its built models and the token. */
class Explorations {
  readonly cache: ModelCache;

  constructor(
    readonly definition: ModelDefinition<any>,
    readonly token: string,
    readonly start: { readonly setting: Setting; readonly position: Position },
    readonly maxStates: number,
  ) {
    this.cache = new ModelCache(definition);
  }

  /** The setting a URL names, the start setting filling in what it leaves out. */
  setting(q: URLSearchParams): Setting {
    return settingFromQuery(q, this.start.setting);
  }

  /** The HTML of the page at a position; a position cut short by a bad choice becomes a 400. */
  page(status: number, setting: Setting, position: Position, notices: readonly Notice[]): { status: number; html: string } {
    const built = this.cache.get(setting);
    const w = walk(built.model, position);
    const all = w.invalid ? [...notices, { kind: 'error' as const, text: `${w.invalid}; showing the steps before it` }] : notices;
    const at = w.position.at;
    const { model } = built;
    const html = explorerPage({
      token: this.token,
      definition: this.definition,
      built,
      position: w.position,
      steps: w.steps,
      inits: w.inits,
      ...byModel(`while showing step ${at}`, () => ({
        verdicts: verdicts(model, w),
        groups: choices(model, w.states[at], w.position.actions[at]),
        targets: findTargets(model),
      })),
      maxStates: this.maxStates,
      notices: all,
    });
    return { status: w.invalid && status < 400 ? 400 : status, html };
  }

  /** GET /: the page the URL names. */
  show(q: URLSearchParams): Reply {
    return { kind: 'page', status: 200, setting: this.setting(q), position: positionFromQuery(q), notices: [] };
  }

  /** GET /find: search from the cursor and show the path to what was found. */
  find(q: URLSearchParams): Reply {
    const setting = this.setting(q);
    const { model } = this.cache.get(setting);
    const w = walk(model, positionFromQuery(q));
    if (w.invalid) throw new InputError(w.invalid);
    const at = w.position.at;
    const target = q.get('target') ?? ANY_VIOLATION;
    const title = findTargets(model).find((t) => t.value === target)?.title;
    if (title === undefined) throw new InputError(`Find: the model has no safety or sometimes property "${target}"`);
    const r = findNearest(model, w.states[at], target, this.maxStates);
    const searched = `${r.distinctStates.toLocaleString('en-US')} state${r.distinctStates === 1 ? '' : 's'}`;
    if (r.found === null) {
      const text =
        r.cutBy === null
          ? `Find (${title}): nothing reachable from step ${at} — all ${searched} reachable from here searched.`
          : `Find (${title}): nothing within ${searched} (--max-states); the search was cut before it covered every state reachable from step ${at}.`;
      return { kind: 'page', status: 200, setting, position: w.position, notices: [{ kind: 'info', text }] };
    }
    const f = r.found;
    const position: Position = { initIndex: w.position.initIndex, actions: [...w.position.actions.slice(0, at), ...f.actions], at: at + f.actions.length, loopStart: null };
    const what = f.kind === 'sometimes' ? `${f.property} is reached` : f.kind === 'deadlock' ? 'a deadlock' : `${f.property} is violated`;
    const where = f.actions.length === 0 ? 'in this very state' : `${f.actions.length} step${f.actions.length === 1 ? '' : 's'} from step ${at}, at step ${position.at}`;
    const text = `Find (${title}): ${what} ${where} — the nearest such state, by breadth-first search over ${searched}.`;
    return { kind: 'page', status: 200, setting, position, notices: [{ kind: 'info', text }] };
  }

  /** GET /configure: the new setting from the form, the old one and the path in `from`. */
  configure(q: URLSearchParams): Reply {
    const from = new URLSearchParams(q.get('from') ?? '');
    const oldSetting = this.setting(from);
    const old = walk(this.cache.get(oldSetting).model, positionFromQuery(from));
    const setting = this.setting(q);
    let model;
    try {
      model = this.cache.get(setting).model;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { kind: 'page', status: 400, setting: oldSetting, position: old.position, notices: [{ kind: 'error', text: e.message }] };
    }
    const labels = old.steps.slice(1).map((s) => s.action);
    const f = follow(model, old.position.initIndex, labels);
    const position = { ...f.position, at: Math.min(old.position.at, f.position.actions.length) };
    const text =
      f.stoppedAt === null
        ? labels.length === 0
          ? 'Setting changed.'
          : `Setting changed; the path's ${labels.length} step${labels.length === 1 ? '' : 's'} replay under it.`
        : `Setting changed; kept the first ${f.position.actions.length} of the path's ${labels.length} steps: ${f.reason}.`;
    return { kind: 'page', status: 200, setting, position, notices: [{ kind: f.stoppedAt === null ? 'info' : 'error', text }] };
  }

  /** GET /export: the path up to the cursor as a trace file of a property violated there. */
  export(q: URLSearchParams): Reply {
    const setting = this.setting(q);
    const position = positionFromQuery(q);
    const built = this.cache.get(setting);
    const w = walk(built.model, position);
    if (w.invalid) throw new InputError(w.invalid);
    const name = q.get('property') ?? '';
    const verdict = byModel(`while checking step ${w.position.at}`, () => verdicts(built.model, w)).find((x) => x.name === name);
    if (!verdict) throw new InputError(`export: the model has no property "${name}"`);
    return { kind: 'file', ...exportTrace(built, w, verdict) };
  }

  /** POST /load: open an uploaded trace file (as far as it replays on the current model). */
  load(q: URLSearchParams, text: string): Reply {
    let file: TraceFile;
    let setting: Setting;
    try {
      file = parseTraceFile(text, 'the trace file');
      setting = settingOfTrace(this.definition, file);
      this.cache.get(setting);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { kind: 'page', status: 400, setting: this.setting(q), position: positionFromQuery(q), notices: [{ kind: 'error', text: `Not loaded: ${e.message}` }] };
    }
    return { kind: 'page', status: 200, ...openTrace(this.cache.get(setting).model, file, undefined), setting };
  }
}

/** Run code that calls into the model: what it throws is the model's failure, said as such. */
function byModel<T>(when: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError || e instanceof ModelError) throw e;
    throw new ModelError(`the model threw ${when}: ${describeError(e)}`, e);
  }
}

/** Whether a request's token is the run's, in time independent of where they differ. */
function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Read a request body up to `limit` bytes; null when it is larger (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
};

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
  res.end(text + '\n');
}

/** Start the explorer; resolves once it listens. Bad setting or position: an `InputError` before listening. */
export async function startExplorer(o: ExplorerOptions): Promise<Explorer> {
  const token = randomBytes(24).toString('base64url');
  const start = { setting: o.setting, position: o.position ?? START };
  const app = new Explorations(o.definition, token, start, o.maxStates ?? DEFAULT_FIND_STATES);
  // Walk the start position once: a bad variant, param, fault knob or step ends the command before it listens.
  const opened = walk(app.cache.get(start.setting).model, start.position);
  if (opened.invalid) throw new InputError(opened.invalid);
  const host = o.host ?? LOOPBACK;
  const loopbackOnly = isLoopback(host);

  const sendPage = (res: ServerResponse, reply: Extract<Reply, { kind: 'page' }>) => {
    let out: { status: number; html: string };
    try {
      out = app.page(reply.status, reply.setting, reply.position, reply.notices);
    } catch (e) {
      if (!(e instanceof InputError) && !(e instanceof ModelError)) throw e;
      // The setting or the model itself failed: the start page, with what went wrong.
      const failed = e instanceof ModelError;
      const notice: Notice = { kind: 'error', text: failed ? `The model failed: ${e.message}` : e.message };
      out = { status: failed ? 500 : Math.max(400, reply.status), html: app.page(200, start.setting, START, [...reply.notices, notice]).html };
    }
    res.writeHead(out.status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': PAGE_CSP_HEADER });
    res.end(out.html);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://explorer.invalid');
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    if (loopbackOnly && !isLoopback(hostHeader)) return plain(res, 403, 'forbidden: this faultline explorer answers only requests addressed to the loopback interface');
    if (!tokenMatches(url.searchParams.get('t'), token)) {
      return plain(res, 403, 'forbidden: a faultline explorer answers only requests that carry its token; open the URL it printed');
    }
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const route = url.pathname;
    const routes: Record<string, string> = { '/': 'GET', '/find': 'GET', '/configure': 'GET', '/export': 'GET', '/load': 'POST' };
    if (!(route in routes)) return plain(res, 404, `not found: ${route} (the explorer's page is /)`);
    const allowed = routes[route] === 'GET' ? ['GET', 'HEAD'] : ['POST'];
    if (!allowed.includes(method)) return plain(res, 405, `method ${method} not allowed on ${route}`, { Allow: allowed.join(', ') });

    let reply: Reply;
    try {
      if (route === '/load') {
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
        if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
          req.resume();
          return plain(res, 415, 'a trace is loaded as the form field "trace" (application/x-www-form-urlencoded) or as an application/json body');
        }
        const body = await readBody(req, MAX_UPLOAD_BYTES);
        if (body === null) {
          reply = { kind: 'page', status: 413, setting: app.setting(q), position: positionFromQuery(q), notices: [{ kind: 'error', text: `Not loaded: the trace file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MiB` }] };
        } else {
          reply = app.load(q, type === 'application/json' ? body : (new URLSearchParams(body).get('trace') ?? ''));
        }
      } else if (route === '/find') reply = app.find(q);
      else if (route === '/configure') reply = app.configure(q);
      else if (route === '/export') reply = app.export(q);
      else reply = app.show(q);
    } catch (e) {
      if (!(e instanceof InputError) && !(e instanceof ModelError)) throw e;
      // Bad input in the URL itself: the page it came from if that still makes sense, else the start.
      const notice: Notice = { kind: 'error', text: e instanceof ModelError ? `The model failed: ${e.message}` : e.message };
      const status = e instanceof ModelError ? 500 : 400;
      let setting = start.setting;
      let position = START;
      try {
        setting = app.setting(q);
        position = positionFromQuery(q);
      } catch {
        // keep the start page
      }
      reply = { kind: 'page', status, setting, position, notices: [notice] };
    }
    if (reply.kind === 'file') {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="${reply.name}"`,
      });
      res.end(reply.body);
      return;
    }
    sendPage(res, reply);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Even the start page failed (the model's fault), or our own bug: answer, and keep serving.
      const message = describeError(e);
      if (!res.headersSent) plain(res, 500, e instanceof ModelError ? `the model failed: ${message}` : `internal error: ${message}`);
      else res.destroy();
    });
  });
  // A client that sends something that is not HTTP gets a 400 and is cut off; the server goes on.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE'
          ? new InputError(`port ${o.port} on ${host} is in use`)
          : e.code === 'EACCES'
            ? new InputError(`not allowed to listen on port ${o.port} on ${host}`)
            : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
              ? new InputError(`cannot listen on ${host}: no such local address`)
              : e,
      );
    });
    server.listen(o.port ?? 0, host, () => resolve());
  });
  // Listening: a failure of one connection is that connection's (its client sees it), not the server's end.
  server.removeAllListeners('error');
  server.on('error', () => undefined);
  const address = server.address() as AddressInfo;
  // Listening on every interface: the URL to open on this machine is the loopback one.
  const shownHost = address.address === '0.0.0.0' ? LOOPBACK : address.address === '::' ? '[::1]' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}${href('/', token, [...settingQuery(app.cache.get(start.setting).setting), ...positionQuery(start.position)])}`;
  return {
    url,
    token,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
