/**
 * Type-level test: each line after a `@ts-expect-error` is a typo the authoring API must reject
 * at compile time; the directive names the error it expects. `npm run typecheck` fails when one
 * of them compiles (an unused `@ts-expect-error` is itself an error), and test/types.test.ts
 * checks that each fails for the reason its directive names and that nothing else fails.
 */
import { always, defineModel, defineProtocol, int, model, protocol, role } from 'faultline';

/** A plain model: the state type comes from `init`, the params' types from their schema. */
export const counter = defineModel({
  name: 'counter',
  description: 'counts up to max',
  params: { max: int({ default: 3, min: 1, description: 'largest value' }) },
  variants: {
    default: { expect: 'holds', description: 'as written' },
    sloppy: { expect: 'violated', description: 'counts one too far' },
  },
  build: ({ params, variant }) =>
    model(
      {
        init: () => [{ value: 0 }],
        actions: (s) => (s.value < params.max + (variant === 'sloppy' ? 1 : 0) ? ['inc'] : []),
        next: (s) => ({ value: s.value + 1 }),
        label: (a) => a,
      },
      {
        properties: [
          always('bounded', (s) => s.value <= params.max),
          // @ts-expect-error Property 'valeu' does not exist on type '{ value: number; }'
          always('state typo', (s) => s.valeu <= params.max),
          // @ts-expect-error Property 'maxx' does not exist on type 'ParamValues<{ max: IntParam; }>'. Did you mean 'max'?
          always('param typo', (s) => s.value <= params.maxx),
          // @ts-expect-error This comparison appears to be unintentional because the types '"default" | "sloppy"' and '"slopy"' have no overlap
          variant === 'slopy' && always('variant typo', (s) => s.value >= 0),
        ],
      },
    ),
});

type Msg = { readonly type: 'Prepared' } | { readonly type: 'Commit' };
/** A transaction manager and its resource managers, with flat node states. */
interface TM {
  readonly state: 'init' | 'committed';
  readonly prepared: number;
}
interface RM {
  readonly state: 'working' | 'prepared' | 'committed';
}
type RmId = `rm${number}`;
const rmIds: RmId[] = ['rm1', 'rm2'];

const tm = role<TM, Msg>({
  init: () => ({ state: 'init', prepared: 0 }),
  durable: ['state'],
  receive: (s) => ({ ...s, prepared: s.prepared + 1 }),
});
export const forgetfulTm = role<TM, Msg>({
  init: () => ({ state: 'init', prepared: 0 }),
  // @ts-expect-error Type '"stat"' is not assignable to type 'false | "state" | "prepared" | null | undefined'. Did you mean '"state"'?
  durable: ['stat'],
});
const rm = role<RM, Msg>({
  init: () => ({ state: 'working' }),
  durable: 'all',
  actions: {
    prepare: {
      when: (s) => s.state === 'working',
      run: (_s, ctx) => {
        ctx.send('tm', { type: 'Prepared' });
        return { state: 'prepared' };
      },
    },
  },
  // @ts-expect-error Property 'stat' does not exist on type 'RM'
  receive: (s, msg) => (msg.type === 'Commit' && s.stat === 'prepared' ? { state: 'committed' } : undefined),
});

export const misnamedRole = protocol(
  // @ts-expect-error Type 'string[]' is not assignable to type 'never'
  { roles: { tm, rm }, nodes: { tmm: ['tm'], rm: rmIds } },
  { properties: [] },
);

const twoPhase = protocol(
  { roles: { tm, rm }, nodes: { tm: ['tm'], rm: rmIds } },
  {
    terminal: (w) => w.node('tm').state === 'committed' && w.role('rm').every((s) => s.state === 'committed'),
    properties: [
      always('committed-only-if-prepared', (w) => w.node('rm1').state !== 'committed' || w.node('tm').state === 'committed'),
      // @ts-expect-error Argument of type '"tmx"' is not assignable to parameter of type 'NodeIdOf<
      always('node typo', (w) => w.node('tmx').state === 'init'),
      // @ts-expect-error Argument of type '"tmm"' is not assignable to parameter of type '"tm" | "rm"'
      always('role typo', (w) => w.role('tmm').length > 0),
    ],
  },
);

export const twoPhaseModel = defineProtocol({
  name: 'two-phase',
  description: 'a TM commits once its RMs are prepared',
  systems: { lossy: { description: 'one message may be lost', faults: { drop: 1 } } },
  variants: {
    default: { expect: 'holds', description: 'as written', system: 'lossy' },
    // @ts-expect-error Type '"lossyy"' is not assignable to type '"none" | "lossy" | undefined'. Did you mean '"lossy"'?
    misnamedSystem: { expect: 'holds', description: 'names a system that is not declared', system: 'lossyy' },
  },
  build: () => twoPhase,
});
