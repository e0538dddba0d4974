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

const USER_MODEL = `import { always, sometimes, type ModelDefinition } from 'faultline';
import { mutualExclusion } from 'faultline/invariants';

/** Two processes take a lock in turn: at most one holds it. */
export const definition: ModelDefinition = {
  name: 'turns',
  description: 'two processes, one lock',
  params: [],
  variants: [{ name: 'default', expect: 'holds', description: 'one holder at a time' }],
  build: () => ({
    init: () => [{ holder: null as string | null }],
    actions: (s) => (s.holder === null ? ['a', 'b'] : ['release']),
    next: (s, a) => ({ holder: a === 'release' ? null : a }),
    label: (a) => a,
    properties: [
      always('one-holder', (s) => s.holder === null || ['a', 'b'].includes(s.holder)),
      sometimes('b-holds', (s) => s.holder === 'b'),
    ],
  }),
};
export const usesInvariants = typeof mutualExclusion === 'function';
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
    // No holder, a holds, b holds.
    expect(JSON.parse(own.stdout).stats.distinctStates).toBe(3);

    // The shipped declarations type the user's model (faultline and faultline/invariants).
    const compilerOptions = { noEmit: true, strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: true, types: [] };
    writeFileSync(join(user, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['my-model.ts'] }));
    const tsc = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', user], { cwd: user });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
  });
});
