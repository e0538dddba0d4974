import def from './register.ts';
import { check } from '../src/index.ts';
import { instantiate } from '../src/model/definition.ts';
for (const v of ['ack-after-replicate', 'ack-early']) {
  const r = check(instantiate(def, { params: {}, variant: v }), { all: true });
  console.log(v, r.verdict, r.stats.distinctStates, r.properties.map((p) => `${p.name}:${p.status}`).join(' '), r.violations.map((x) => `${x.property}:${x.trace?.steps.length}`));
}
