/**
 * `faultline explore`'s server, in-process and over real HTTP: the token and the loopback
 * binding, the step groups and budgets, the verdicts, Find (checked against an independent
 * breadth-first search written here), trace export → `faultline replay` → load, lassos, switching
 * the setting under a path, escaping, and bad input answered with a 4xx while the server lives on.
 */
import { toJsonValue } from '../src/state/json.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition as leaseFencing } from '../models/lease-fencing/index.ts';
import { definition as twoPhase } from '../models/two-phase-commit/index.ts';
import { exploreCommand } from '../src/cli/explore.ts';
import { startExplorer, type Explorer } from '../src/explorer/server.ts';
import { defineModel, instantiate, resolveParams, resolveVariant, type ModelDefinition } from '../src/model/definition.ts';
import { model } from '../src/model/model.ts';
import { always } from '../src/model/property.ts';
import { stepInfo, type Model } from '../src/model/model.ts';
import { faultline } from './support/cli.ts';
import { definition as throwing } from './fixtures/throwing-model.ts';
import { definition as hostile, NODES as HOSTILE_NODES, PROPERTY as HOSTILE_PROPERTY, SCRIPT as HOSTILE_SCRIPT } from './fixtures/hostile.ts';

const root = join(import.meta.dirname, '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'faultline-explore-'));

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The model the explorer shows for a setting, built independently of it. */
function tpc(variant: string, rms: number, system?: string): Model<any, any> {
  return instantiate(twoPhase, { params: resolveParams(twoPhase, resolveVariant(twoPhase, variant), { rms: String(rms) }), variant, ...(system ? { system } : {}) });
}

interface Page {
  readonly status: number;
  readonly html: string;
  /** The page's own URL (what its script puts in the address bar). */
  readonly canonical: string;
}

async function get(ex: Explorer, route: string, fields: Record<string, string> = {}, token: string | null = ex.token): Promise<Page> {
  const url = new URL(route, ex.url);
  url.search = new URLSearchParams([...(token === null ? [] : [['t', token]]), ...Object.entries(fields)]).toString();
  return page(await fetch(url));
}

async function post(ex: Explorer, fields: Record<string, string>, body: string, type = 'application/x-www-form-urlencoded'): Promise<Page> {
  const url = new URL('/load', ex.url);
  url.search = new URLSearchParams([['t', ex.token], ...Object.entries(fields)]).toString();
  return page(await fetch(url, { method: 'POST', headers: { 'content-type': type }, body }));
}

async function page(r: Response): Promise<Page> {
  const html = await r.text();
  const canonical = /<body data-canonical="([^"]*)"/.exec(html);
  return { status: r.status, html, canonical: canonical ? unescape(canonical[1]) : '' };
}

/** Links of the page that take a step: label → href. */
function choices(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<a class="choice" href="([^"]*)" data-choice="\d+"[^>]*>([^<]*)<\/a>/g)].map((m) => [unescape(m[2]), unescape(m[1])]));
}

/** The step groups of the page: kind → its budget text and the labels in it. */
function groups(html: string): Map<string, { budget: string; labels: string[] }> {
  const out = new Map<string, { budget: string; labels: string[] }>();
  for (const part of html.split('<div class="group').slice(1)) {
    const kind = /data-kind="([^"]+)"/.exec(part)?.[1];
    if (!kind) continue;
    const budget = /<span class="budget[^"]*">([^<]*)<\/span>/.exec(part)?.[1] ?? '';
    out.set(kind, { budget, labels: [...choices(part).keys()] });
  }
  return out;
}

/** The status chip of a property in the properties panel. */
function status(html: string, property: string): string {
  const name = property.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const at = html.indexOf(`<tr data-property="${name}">`);
  const row = at < 0 ? null : /<span class="status ([a-z-]+)">/.exec(html.slice(at));
  return row ? row[1] : '(absent)';
}

const fieldsOf = (link: string) => Object.fromEntries([...new URL(link, 'http://x').searchParams].filter(([k]) => k !== 't'));

/**
 * Independent reference for Find: breadth-first search over states identified by what the model
 * shows, from `from` to the first state where `bad` holds; the number of steps, or null.
 */
function nearest<S, A>(model: Model<S, A>, from: S, bad: (s: S, a?: A, prev?: S) => boolean): number | null {
  // As a trace file stores it (Sets as lists), so that the JSON text tells states apart.
  const key = (s: S) => JSON.stringify(toJsonValue(model.show ? model.show(s) : s));
  if (bad(from)) return 0;
  const seen = new Set([key(from)]);
  let frontier = [from];
  for (let depth = 1; frontier.length > 0; depth++) {
    const next: S[] = [];
    for (const s of frontier) {
      for (const a of model.actions(s)) {
        const t = model.next(s, a);
        if (bad(t, a, s)) return depth;
        if (seen.has(key(t))) continue;
        seen.add(key(t));
        next.push(t);
      }
    }
    frontier = next;
  }
  return null;
}

/** A violation of any invariant or a deadlock, as Find's "any violation" means it. */
function anyViolation<S, A>(model: Model<S, A>): (s: S) => boolean {
  const invariants = model.properties.filter((p) => p.kind === 'always');
  return (s) =>
    invariants.some((p) => !(p as { holds: (s: S) => boolean }).holds(s)) ||
    (model.checkDeadlock !== false && model.actions(s).length === 0 && !model.terminal?.(s));
}

describe('faultline explore: the server', () => {
  let ex: Explorer;
  const setting = { variant: 'default', params: { rms: '2' }, system: 'crash-stop', faults: {} };

  beforeAll(async () => {
    ex = await startExplorer({ definition: twoPhase, setting });
  });
  afterAll(async () => {
    await ex?.close();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(ex.address.address).toBe('127.0.0.1');
    expect(new URL(ex.url).hostname).toBe('127.0.0.1');
    // Every other address of this machine refuses the port, the IPv6 loopback included.
    const others = new Set(['::1']);
    for (const [name, list] of Object.entries(networkInterfaces())) {
      for (const i of list ?? []) if (!i.address.startsWith('127.')) others.add(i.address.startsWith('fe80') ? `${i.address}%${name}` : i.address);
    }
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port: ex.address.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(outcome, address).not.toBe('connected');
    }
  });

  it("refuses every request without the run's token with 403, before routing", async () => {
    const wrong = ex.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    for (const route of ['/', '/find', '/export', '/configure', '/nope']) {
      for (const token of [null, '', wrong, `${ex.token}x`]) {
        const r = await get(ex, route, { path: '0' }, token);
        expect(r.status, `${route} with ${token}`).toBe(403);
        expect(r.html).toContain('token');
        expect(r.html).not.toContain('two-phase-commit');
      }
    }
    const load = await fetch(new URL('/load', ex.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(load.status).toBe(403);
    expect((await get(ex, '/')).status).toBe(200);
    expect((await get(ex, '/nope')).status).toBe(404);
  });

  it('refuses a request addressed to another host name (DNS rebinding), even with the token', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: ex.address.port, path: `/?t=${ex.token}`, headers: { host: `evil.example:${ex.address.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('offers every enabled step in the group of its kind, each fault with its budget left', async () => {
    const model = tpc('default', 2, 'crash-stop');
    const [init] = model.init();
    const start = await get(ex, '/');
    expect(start.status).toBe(200);
    const g = groups(start.html);
    const expected = new Map<string, string[]>();
    for (const a of model.actions(init)) {
      const kind = stepInfo(model, a).kind;
      expected.set(kind, [...(expected.get(kind) ?? []), model.label(a)]);
    }
    expect(new Set(g.keys())).toEqual(new Set(expected.keys()));
    for (const [kind, labels] of expected) expect(g.get(kind)!.labels, kind).toEqual(labels);
    // crash-stop: any node may crash once.
    expect(g.get('crash')!.budget).toBe('1 of 1 left');
    expect(g.get('crash')!.labels).toEqual(['crash tm', 'crash rm1', 'crash rm2']);

    // Crash rm1: the budget is spent, its group stays (empty), rm1's card says crashed.
    const crashed = await get(ex, '/', fieldsOf(choices(start.html).get('crash rm1')!));
    const after = groups(crashed.html);
    expect(after.get('crash')).toEqual({ budget: 'budget used up (1/1)', labels: [] });
    expect(crashed.html).toMatch(/<div class="node" data-node="rm1"><h3>rm1 <span class="badge down">crashed<\/span>/);
    expect(after.get('local')!.labels).not.toContain('rm1: prepare');
  });

  it('shows each property at the cursor: invariants true or false, witnesses reached, liveness not applicable to a prefix', async () => {
    const start = await get(ex, '/');
    expect(status(start.html, 'consistency')).toBe('holds');
    expect(status(start.html, 'commit-happens')).toBe('not-reached');
    expect(status(start.html, 'every-participant-decides')).toBe('open');
    expect(start.html).toContain('not applicable to a prefix');
    expect(start.html).not.toContain('class="banner"');
    // Every RM aborts on its own: abort-happens is reached, and every participant has decided.
    let p = start;
    for (const label of ['rm1: chooseToAbort', 'rm2: chooseToAbort']) p = await get(ex, '/', fieldsOf(choices(p.html).get(label)!));
    expect(status(p.html, 'abort-happens')).toBe('reached');
    expect(status(p.html, 'every-participant-decides')).toBe('holds');
    expect(p.html).toContain('the goal was reached at step 2');
  });

  it('answers bad input with a 4xx and a message in the page, and keeps serving', async () => {
    const model = tpc('default', 2, 'crash-stop');
    const enabled = model.actions(model.init()[0]).length;
    const cases: [Promise<Page>, number, string][] = [
      [get(ex, '/', { path: '0.99' }), 400, `step 1 of the path takes step #${enabled}`.replace(`#${enabled}`, '#99') + `, but only ${enabled} are enabled there`],
      [get(ex, '/', { path: '0.x' }), 400, 'path must be step numbers separated by dots'],
      [get(ex, '/', { path: '0.1', at: '5' }), 400, 'at is 5, but the path has only 1 steps'],
      [get(ex, '/', { path: '7' }), 400, 'the path starts from initial state #7, but the model has 1'],
      [get(ex, '/', { variant: 'nope' }), 400, 'unknown variant "nope" for two-phase-commit'],
      [get(ex, '/', { 'p.rms': '99' }), 400, 'param rms of two-phase-commit must be ≤ 29, got 99'],
      [get(ex, '/', { faults: 'warp=1' }), 400, 'unknown fault "warp"'],
      [get(ex, '/find', { target: 'nope' }), 400, 'Find: the model has no safety or sometimes property "nope"'],
      [get(ex, '/find', { target: 'every-participant-decides' }), 400, 'no safety or sometimes property "every-participant-decides"'],
      [get(ex, '/export', { property: 'consistency' }), 400, 'consistency is not violated at step 0'],
      [post(ex, {}, 'trace=%7B'), 400, 'Not loaded: the trace file is not valid JSON'],
      [post(ex, {}, new URLSearchParams({ trace: '{"schema":2}' }).toString()), 400, 'Not loaded: the trace file: "schema" is 2; this faultline reads schema 1'],
      [post(ex, {}, readFileSync(join(root, 'reports', 'paxos-minority-quorum.json'), 'utf8'), 'application/json'), 400, 'the trace is of model "paxos", but this explorer runs two-phase-commit'],
      [post(ex, {}, 'x'.repeat(17 * 1024 * 1024)), 413, 'larger than 16 MiB'],
      [post(ex, {}, 'trace=1', 'text/plain'), 415, 'application/x-www-form-urlencoded'],
    ];
    for (const [reply, code, message] of cases) {
      const r = await reply;
      expect(r.status, message).toBe(code);
      expect(unescape(r.html), message).toContain(message);
    }
    // An unknown step: the page shows the part of the path that exists.
    const cut = await get(ex, '/', { path: '0.1.99', at: '2' });
    expect(cut.canonical).toContain('path=0.1&at=1');
    const put = await fetch(ex.url, { method: 'PUT' });
    expect(put.status).toBe(405);
    // Not HTTP at all.
    const garbage = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: ex.address.port }, () => socket.write('\u0000\u0001 not http\r\n\r\n'));
      let answer = '';
      socket.on('data', (d) => (answer += String(d)));
      socket.on('close', () => resolve(answer));
    });
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect((await get(ex, '/')).status).toBe(200);
  });

  it('Find goes to the nearest violation (an independent BFS agrees), and says when there is none', async () => {
    // commit-on-some-prepared under crash-stop, from the state after rm1 prepares.
    const buggy = { variant: 'commit-on-some-prepared', 'p.rms': '2', system: 'crash-stop' };
    const model = tpc('commit-on-some-prepared', 2, 'crash-stop');
    const [init] = model.init();
    const prepare = model.actions(init).findIndex((a) => model.label(a) === 'rm1: prepare');
    const from = model.next(init, model.actions(init)[prepare]);
    const r = await get(ex, '/find', { ...buggy, path: `0.${prepare}`, target: '' });
    expect(r.status).toBe(200);
    const distance = nearest(model, from, anyViolation(model));
    expect(distance).not.toBeNull();
    const at = Number(new URL(r.canonical, 'http://x').searchParams.get('at'));
    expect(at).toBe(1 + distance!);
    expect(r.html).toContain(`${distance} steps from step 1, at step ${at}`);
    expect(status(r.html, 'consistency')).toBe('violated');
    expect(r.html).toContain('class="banner"');

    // A witness: the nearest state where every RM has committed.
    const witness = await get(ex, '/find', { variant: 'default', 'p.rms': '2', path: '0', target: 'commit-happens' });
    const reliable = tpc('default', 2);
    const allCommitted = (s: any) => reliable.properties.find((p) => p.name === 'commit-happens')!.kind === 'sometimes' && (reliable.properties.find((p) => p.name === 'commit-happens') as any).holds(s);
    expect(Number(new URL(witness.canonical, 'http://x').searchParams.get('at'))).toBe(nearest(reliable, reliable.init()[0], allCommitted));
    expect(status(witness.html, 'commit-happens')).toBe('reached');

    // The correct protocol: nothing to find, and the search covered TwoPhase's 6^n + 4^n + 2^n states.
    const none = await get(ex, '/find', { variant: 'default', 'p.rms': '2', system: 'reliable', path: '0', target: '' });
    expect(none.html).toContain(`nothing reachable from step 0 — all ${6 ** 2 + 4 ** 2 + 2 ** 2} states reachable from here searched`);
    expect(none.canonical).toContain('path=0&at=0');
  });

  it('Find stops at --max-states and says the search was cut', async () => {
    const small = await startExplorer({ definition: twoPhase, setting: { params: { rms: '2' }, faults: {} }, maxStates: 10 });
    try {
      const r = await get(small, '/find', { target: '' });
      expect(r.html).toContain('nothing within 10 states (--max-states); the search was cut');
    } finally {
      await small.close();
    }
  });

  it('exports the path at a violation as a trace file that faultline replay reproduces, and loads it back at the same step', async () => {
    const found = await get(ex, '/find', { variant: 'commit-on-some-prepared', 'p.rms': '2', system: 'crash-stop', path: '0', target: 'consistency' });
    const link = /<a class="export" download href="([^"]*)">consistency \(always\)<\/a>/.exec(found.html);
    expect(link).not.toBeNull();
    const response = await fetch(new URL(unescape(link![1]), ex.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="two-phase-commit-commit-on-some-prepared-consistency.json"');
    const text = await response.text();
    const file = join(tmp(), 'found.json');
    writeFileSync(file, text);
    const replayed = await faultline('replay', file);
    expect(replayed.stdout).toContain('reproduces');
    expect(replayed.code).toBe(0);
    const doc = JSON.parse(text);
    expect(doc.length).toBe(Number(new URL(found.canonical, 'http://x').searchParams.get('at')));
    expect(doc.system).toBe('crash-stop');

    const loaded = await post(ex, { path: '0' }, new URLSearchParams({ trace: text }).toString());
    expect(loaded.status).toBe(200);
    expect(loaded.html).toContain(`Loaded the trace of consistency (always), ${doc.length} steps: reproduces`);
    // The same path under the setting the file records (no system, every knob in force).
    const position = (u: string) => [...new URL(u, 'http://x').searchParams].filter(([k]) => k === 'path' || k === 'at');
    expect(position(loaded.canonical)).toEqual(position(found.canonical));
    expect(new URL(loaded.canonical, 'http://x').searchParams.get('faults')).toBe('network=set,timing=async,crash=1');
  });

  it('a lasso loaded from the reports keeps its loop: its liveness property is violated at the end, and its export replays', async () => {
    const path = join(root, 'reports', 'lease-fencing-waiting-client-starved.json');
    const text = readFileSync(path, 'utf8');
    const doc = JSON.parse(text);
    expect(doc.loopStart).not.toBeNull();
    const lf = await startExplorer({ definition: leaseFencing, setting: { params: {}, faults: {} } });
    try {
      const loaded = await post(lf, {}, text, 'application/json');
      expect(loaded.status).toBe(200);
      const q = new URL(loaded.canonical, 'http://x').searchParams;
      expect(q.get('loop')).toBe(String(doc.loopStart));
      expect(q.get('at')).toBe(String(doc.length));
      expect(status(loaded.html, doc.property)).toBe('violated');
      expect(loaded.html).toContain(`by this lasso (loop from step ${doc.loopStart})`);
      expect(loaded.html).toContain('↻ the loop starts here');
      // One step back, the prefix decides nothing.
      const back = await get(lf, '/', { ...fieldsOf(loaded.canonical), at: String(doc.length - 1) });
      expect(status(back.html, doc.property)).toBe('open');

      const link = new RegExp(`<a class="export" download href="([^"]*)">${doc.property} \\(${doc.kind}\\)</a>`).exec(loaded.html);
      const exported = await (await fetch(new URL(unescape(link![1]), lf.url))).text();
      const file = join(tmp(), 'lasso.json');
      writeFileSync(file, exported);
      expect(JSON.parse(exported).loopStart).toBe(doc.loopStart);
      expect((await faultline('replay', file)).code).toBe(0);
    } finally {
      await lf.close();
    }
  });

  it('switching the setting keeps the path as far as its steps exist', async () => {
    let p = await get(ex, '/');
    for (const label of ['rm1: prepare', 'crash rm2']) p = await get(ex, '/', fieldsOf(choices(p.html).get(label)!));
    const from = new URLSearchParams(Object.entries(fieldsOf(p.canonical))).toString();
    // Same system, buggy variant: both steps exist.
    const same = await get(ex, '/configure', { from, variant: 'commit-on-some-prepared', 'p.rms': '2', system: 'crash-stop' });
    expect(unescape(same.html)).toContain("the path's 2 steps replay under it");
    expect(same.canonical).toContain('variant=commit-on-some-prepared');
    expect(same.canonical).toContain('path=0.');
    // No faults: the crash does not exist there.
    const reliable = await get(ex, '/configure', { from, variant: 'default', 'p.rms': '2', system: 'reliable' });
    expect(unescape(reliable.html)).toContain('kept the first 1 of the path\'s 2 steps: step 2 "crash rm2" is not enabled there');
    expect(new URL(reliable.canonical, 'http://x').searchParams.get('at')).toBe('1');
    // A bad new setting: the old page with the error.
    const bad = await get(ex, '/configure', { from, variant: 'nope' });
    expect(bad.status).toBe(400);
    expect(unescape(bad.html)).toContain('unknown variant "nope"');
  });
});

describe('faultline explore: hostile model strings', () => {
  it('shows markup from the model as text, and runs only its own script', async () => {
    const ex = await startExplorer({ definition: hostile, setting: { params: {}, faults: {} } });
    try {
      for (const path of ['0', '0.0', '0.0.0.0.0']) {
        const r = await get(ex, '/', { path });
        expect(r.status).toBe(200);
        expect(r.html.match(/<script>/g)).toHaveLength(1);
        expect(r.html).not.toContain(HOSTILE_SCRIPT);
        expect(r.html).not.toContain('<b>bold</b>');
        expect(r.html).not.toContain('<img');
        expect(r.html).not.toContain('<svg onload');
        expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
        for (const node of HOSTILE_NODES) expect(r.html).toContain(`data-lane="${node.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')}"`);
      }
      const end = await get(ex, '/', { path: '0.0.0.0.0' });
      expect(end.html).not.toContain(HOSTILE_PROPERTY);
      expect(status(end.html, HOSTILE_PROPERTY)).toBe('violated');
    } finally {
      await ex.close();
    }
  });
});

describe('faultline explore: any model', () => {
  /** A counter started at 0 or at 10 that must stay below 11, and stops at 12. */
  const counter: ModelDefinition = defineModel({
    name: 'two-starts',
    description: 'a counter with two initial states',
    variants: { default: { expect: 'violated', description: 'counts up' } },
    build: () =>
      model(
        { init: () => [0, 10], actions: (s) => (s < 12 ? ['inc'] : []), next: (s) => s + 1, label: () => 'inc' },
        { properties: [always('small', (s) => s < 11)] },
      ),
  });

  it('offers a choice of initial state, and Find measures from the one chosen', async () => {
    const ex = await startExplorer({ definition: counter, setting: { params: {}, faults: {} } });
    try {
      const start = await get(ex, '/');
      const inits = [...start.html.matchAll(/<a class="choice" href="([^"]*)">initial state #(\d)<\/a>/g)];
      expect(inits.map((m) => m[2])).toEqual(['0', '1']);
      const second = await get(ex, '/', fieldsOf(unescape(inits[1][1])));
      expect(second.canonical).toContain('path=1&at=0');
      expect(second.html).toContain('<span class="label mono">initial state #1</span>');
      expect(groups(second.html).get('action')!.labels).toEqual(['inc']);
      const found = await get(ex, '/find', { ...fieldsOf(second.canonical), target: 'small' });
      expect(found.canonical).toContain('path=1.0&at=1');
      const far = await get(ex, '/find', { path: '0', target: '' });
      expect(far.canonical).toContain(`path=0${'.0'.repeat(11)}&at=11`);
    } finally {
      await ex.close();
    }
  });

  it("a model that throws gets a 500 that names the model's failure, and the server lives on", async () => {
    const ex = await startExplorer({ definition: throwing, setting: { params: {}, faults: {} } });
    try {
      const r = await get(ex, '/', { path: '0.0' });
      expect(r.status).toBe(500);
      expect(r.html).toContain('The model failed: the model&#39;s next() threw: counter overflow');
      expect(r.html).not.toContain('second line');
      expect((await get(ex, '/find', { path: '0.0', at: '0' })).status).toBe(500);
      expect((await get(ex, '/')).status).toBe(200);
    } finally {
      await ex.close();
    }
  });
});

describe('faultline explore: the command', () => {
  it('bad usage exits 2 with one line, before listening', async () => {
    const report = join('reports', 'two-phase-commit-commit-on-some-prepared.json');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const busy = String((taken.address() as { port: number }).port);
    const cases: [string[], string][] = [
      [['explore', 'no-such-model'], 'unknown model "no-such-model"'],
      [['explore', 'two-phase-commit', '--variant', 'nope'], 'unknown variant "nope"'],
      [['explore', 'two-phase-commit', '--step', '1'], '--step needs --trace'],
      [['explore', 'two-phase-commit', '--trace', report, '--variant', 'default'], '--trace opens the trace under the variant, params and faults it records: drop --variant'],
      [['explore', 'two-phase-commit', '--trace', report, '--step', '99'], '--step expects an integer from 0 to'],
      [['explore', 'paxos', '--trace', report], 'the trace is of model "two-phase-commit", but this explorer runs paxos'],
      [['explore', 'two-phase-commit', '--trace', 'missing.json'], 'trace file not found: missing.json'],
      [['explore', 'two-phase-commit', '--port', '70000'], '--port expects an integer from 0 to 65535'],
      [['explore', 'two-phase-commit', '--max-states', '0'], '--max-states expects an integer from 1'],
      [['explore', 'two-phase-commit', '--port', busy], `port ${busy} on 127.0.0.1 is in use`],
    ];
    try {
      for (const [args, message] of cases) {
        const r = await faultline(...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(message);
      }
    } finally {
      taken.close();
    }
  });

  it("prints the URL with the run's token, serves until stopped, then exits 0", async () => {
    const out: string[] = [];
    const err: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } };
    const report = join(root, 'reports', 'two-phase-commit-commit-on-some-prepared.json');
    const doc = JSON.parse(readFileSync(report, 'utf8'));
    const run = exploreCommand('two-phase-commit', { param: [], trace: report, step: '2' }, io, stopped);
    await expect.poll(() => out.join('')).toContain('http://127.0.0.1:');
    const url = /http:\/\/\S+/.exec(out.join(''))![0];
    const q = new URL(url).searchParams;
    expect(q.get('t')).toMatch(/^[\w-]{32}$/);
    expect(q.get('variant')).toBe(doc.variant);
    expect(q.get('at')).toBe('2');
    expect(q.get('path')!.split('.')).toHaveLength(doc.length + 1);
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    stop();
    expect(await run).toBe(0);
    expect(err).toEqual([]);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('--host other than the loopback listens there, with a warning', async () => {
    const err: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) } };
    const run = exploreCommand('two-phase-commit', { param: [], host: '0.0.0.0' }, io, stopped);
    await expect.poll(() => err.join('')).toContain('warning: listening on 0.0.0.0, not only on this machine');
    stop();
    expect(await run).toBe(0);
  });
});
