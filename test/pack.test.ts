/**
 * The package as a user gets it: `npm pack`, then `npm install` of the tarball in an empty
 * folder, offline — every dependency comes from npm's cache, which this checkout's `npm ci`
 * filled — then `npx faultline` checks a shipped model and a model of the user's own that imports
 * from 'faultline', and the user's model type-checks against the shipped declarations.
 *
 * An install without a lockfile would need the registry's package metadata, which npm's cache
 * does not keep after `npm ci`; so the user's folder gets a lockfile that pins the tarball and
 * the versions this checkout's lockfile resolved for faultline's dependencies.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tpcStates = (n: number) => 6 ** n + 4 ** n + 2 ** n;

function run(command: string, args: string[], options: SpawnSyncOptions) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }, ...options });
  return { code: r.status ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** A lockfile for a folder that depends on the tarball only, pinning faultline's dependencies as ours does. */
function consumerLock(tarball: string): object {
  const ours = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages as Record<string, { dev?: boolean; devOptional?: boolean }>;
  const runtime = Object.entries(ours).filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.devOptional);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: { faultline: `file:${tarball}` } },
      'node_modules/faultline': {
        version: pkg.version,
        resolved: `file:${tarball}`,
        integrity,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
      ...Object.fromEntries(runtime),
    },
  };
}

/**
 * A user's protocol, written as docs/writing-a-protocol.md teaches: a lock server and two
 * clients, a fault budget (the `lossy` system) and a buggy variant, importing only from the package.
 */
const USER_MODEL = `import { defineProtocol, protocol, role, sometimes } from 'faultline';
import { mutualExclusion } from 'faultline/invariants';

type Msg = { readonly type: 'Acquire' } | { readonly type: 'Grant' } | { readonly type: 'Release' };
interface Lock {
  readonly holder: string | null;
}
interface Client {
  readonly holding: boolean;
  readonly done: boolean;
}

function locking(grantAlways: boolean) {
  const lock = role<Lock, Msg>({
    init: () => ({ holder: null }),
    durable: 'all',
    // While the lock is taken a request waits (unless the lock is buggy and grants anyway).
    accepts: (s, msg) => msg.type !== 'Acquire' || grantAlways || s.holder === null,
    receive: (s, msg, from, ctx) => {
      if (msg.type === 'Acquire') {
        ctx.send(from, { type: 'Grant' });
        return { holder: from };
      }
      if (msg.type === 'Release' && s.holder === from) return { holder: null };
    },
  });
  const client = role<Client, Msg>({
    init: () => ({ holding: false, done: false }),
    durable: 'all',
    start: (_s, ctx) => ctx.send('lock', { type: 'Acquire' }),
    receive: (s, msg) => (msg.type === 'Grant' ? { ...s, holding: true } : undefined),
    actions: {
      release: {
        when: (s) => s.holding,
        run: (_s, ctx) => {
          ctx.send('lock', { type: 'Release' });
          return { holding: false, done: true };
        },
      },
    },
  });
  return protocol(
    { roles: { lock, client }, nodes: { lock: ['lock'], client: ['c1', 'c2'] } },
    {
      terminal: (w) => w.role('client').every((c) => c.done),
      properties: [
        mutualExclusion('one-holder', 'client', (w, id) => w.node(id).holding, 'at most one client holds the lock'),
        sometimes('both-served', (w) => w.role('client').every((c) => c.done)),
      ],
    },
  );
}

export default defineProtocol({
  name: 'lock',
  description: 'two clients take a lock in turn',
  systems: {
    reliable: { description: 'no faults', faults: {} },
    lossy: { description: 'one message may be lost', faults: { drop: 1 } },
  },
  variants: {
    correct: { expect: 'holds', description: 'a request waits while the lock is taken' },
    'grant-always': { expect: 'violated', description: 'the lock grants every request' },
  },
  build: ({ variant }) => locking(variant === 'grant-always'),
});
`;

describe('npm pack, then npm install of the tarball in an empty folder', { timeout: 120_000 }, () => {
  it('npx faultline checks a shipped model and a model of the user importing from faultline', () => {
    const work = mkdtempSync(join(tmpdir(), 'faultline-pack-'));
    // dist/ is fresh (the global setup built it), so packing need not run `prepare` again.
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: root });
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = join(work, JSON.parse(packed.stdout)[0].filename);

    const user = join(work, 'user');
    mkdirSync(user);
    writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { faultline: `file:${tarball}` } }, null, 2));
    writeFileSync(join(user, 'package-lock.json'), JSON.stringify(consumerLock(tarball), null, 2));
    const installed = run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: user });
    expect(installed.code, installed.stderr).toBe(0);

    const shipped = run('npx', ['faultline', 'check', 'two-phase-commit', '--param', 'rms=2', '--json'], { cwd: user });
    expect(shipped.stderr).toBe('');
    expect(shipped.code).toBe(0);
    expect(JSON.parse(shipped.stdout).stats.distinctStates).toBe(tpcStates(2));

    writeFileSync(join(user, 'my-model.ts'), USER_MODEL);
    const own = run('npx', ['faultline', 'check', './my-model.ts', '--json'], { cwd: user });
    expect(own.stderr).toBe('');
    expect(own.code).toBe(0);
    expect(JSON.parse(own.stdout).properties.find((p: { name: string }) => p.name === 'both-served').status).toBe('holds');
    // Both requests delivered and both grants: the least that puts two clients in the lock.
    const buggy = run('npx', ['faultline', 'check', './my-model.ts', '--variant', 'grant-always', '--json'], { cwd: user });
    expect(buggy.code).toBe(1);
    expect(JSON.parse(buggy.stdout).violations.map((v: { property: string; trace: { steps: unknown[] } }) => [v.property, v.trace.steps.length - 1])).toEqual([['one-holder', 4]]);
    // One lost Grant leaves a client holding a lock it never learns about, and the other waiting:
    // stuck after 2 steps (which client is first is the search's choice).
    const lossy = run('npx', ['faultline', 'check', './my-model.ts', '--system', 'lossy', '--json'], { cwd: user });
    expect(lossy.code).toBe(1);
    const [stuck] = JSON.parse(lossy.stdout).violations as { property: string; trace: { steps: { action: string }[] } }[];
    expect(stuck.property).toBe('deadlock');
    const first = /c[12]/.exec(stuck.trace.steps[1].action)![0];
    expect(stuck.trace.steps.map((x) => x.action).slice(1)).toEqual([`deliver Acquire ${first}→lock`, `drop Grant lock→${first}`]);

    // The shipped declarations type the user's model (faultline and faultline/invariants).
    const compilerOptions = { noEmit: true, strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, types: [] };
    writeFileSync(join(user, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['my-model.ts'] }));
    const tsc = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', user], { cwd: user });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });
});
