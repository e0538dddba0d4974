/**
 * The unreduced reference: OM(m) and SM(m) written on the protocol layer exactly as in the
 * paper, with synchronous rounds (`timing: 'rounds'`) and f Byzantine generals placed anywhere
 * (`byzantine: f`, every placement explored). A traitor sends, in every round, one payload (or
 * nothing) to every loyal general, chosen from the message universe: in `oral` mode any value on
 * any path, in `signed` mode any bundle of signed orders whose loyal signatures it has seen.
 *
 * Nothing is abstracted here, so its state space is large; it is the yardstick the reduced
 * model (`reduced-oral.ts`, `reduced-signed.ts`) is tested against.
 */
import { ic1, ic2 } from '../../invariants/interactive-consistency.ts';
import { sometimes } from '../../src/model/property.ts';
import type { NodeState, Protocol, Role } from '../../src/protocol/types.ts';
import type { World } from '../../src/protocol/world.ts';
import { ORDERS, RETREAT, choice, generalIds, majority, type Generals, type Order } from './common.ts';

/** A signed order `value:c:l1:…` (its chain lists the signers, the commander first). */
export interface SignedOrder {
  readonly type: 'Order';
  readonly value: Order;
  readonly chain: readonly string[];
}

/**
 * Messages: the commander's `Order` (signed: with its chain); an oral lieutenant's `Relay`,
 * telling for each path it heard on (`c`, `c>l2`, …) the value it heard; and a signed
 * traitor's `Orders`, several signed orders at once.
 */
export type Msg =
  | { readonly type: 'Order'; readonly value: Order; readonly chain?: readonly string[] }
  | { readonly type: 'Relay'; readonly heard: Readonly<Record<string, Order>> }
  | { readonly type: 'Orders'; readonly bundle: readonly SignedOrder[] };

/** An oral lieutenant: the value heard on each path (`c>l2` = what l2 said c said), and its decision. */
export type OralLieutenant = NodeState<{ readonly heard: Readonly<Record<string, Order>>; readonly decision: Order | null }, null>;

/**
 * A signed lieutenant: the set V of orders it accepted, its decision, and (volatile, only
 * within a round) the orders received this round, processed together at the round's end.
 */
export type SignedLieutenant = NodeState<{ readonly orders: readonly Order[]; readonly decision: Order | null }, readonly SignedOrder[] | null>;

const isOrder = (v: unknown): v is Order => v === 'ATTACK' || v === 'RETREAT';
const distinct = (xs: readonly string[]) => new Set(xs).size === xs.length;

/** Every path `c → x1 → … ` of `length` generals (distinct lieutenants after `c`) avoiding `avoid`. */
function pathsOf(lieutenants: readonly string[], length: number, avoid: readonly string[]): string[][] {
  if (length < 1) return [];
  let out: string[][] = [['c']];
  for (let k = 1; k < length; k++) {
    out = out.flatMap((p) => lieutenants.filter((x) => !p.includes(x) && !avoid.includes(x)).map((x) => [...p, x]));
  }
  return out;
}

const pathKey = (p: readonly string[]) => p.join('>');

/** Every non-empty subset of `items`, in binary counting order. */
function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) out.push(items.filter((_, i) => (mask >> i) & 1));
  return out;
}

export function generalsProtocol(g: Generals): Protocol<Msg> {
  const ids = generalIds(g.n);
  const lieutenants = ids.slice(1);
  const rank = new Map(ids.map((id, i) => [id, i]));
  const rounds = g.m + 1;
  const memo = new Map<string, readonly Msg[]>();

  /** OM: lieutenant `me`'s recursive majority over what it heard (RETREAT where nothing was heard). */
  const decideOral = (me: string, heard: Readonly<Record<string, Order>>): Order => {
    const val = (p: string[]): Order => {
      const own = heard[pathKey(p)] ?? RETREAT;
      if (p.length === rounds) return own;
      return majority([own, ...lieutenants.filter((j) => j !== me && !p.includes(j)).map((j) => val([...p, j]))]);
    };
    return val(['c']);
  };

  const oralLieutenant: Role<OralLieutenant, Msg> = {
    init: (): OralLieutenant => ({ durable: { heard: {}, decision: null }, volatile: null }),
    receive: (s, msg, from, ctx) => {
      const heard: Record<string, Order> = { ...s.durable.heard };
      if (msg.type === 'Order' && from === 'c' && ctx.round === 1 && isOrder(msg.value)) heard.c = msg.value;
      else if (msg.type === 'Relay' && from !== 'c') {
        for (const [key, value] of Object.entries(msg.heard)) {
          const p = key.split('>');
          const valid =
            p.length === ctx.round - 1 && p[0] === 'c' && p.slice(1).every((x) => rank.has(x) && x !== 'c') && distinct([...p, from, ctx.self]);
          if (valid && isOrder(value)) heard[`${key}>${from}`] = value;
        }
      } else return;
      return { durable: { ...s.durable, heard }, volatile: null };
    },
    endOfRound: (s, round, ctx) => {
      const me = ctx.self;
      // A value not received this round reads as RETREAT, and is relayed as such.
      const heard: Record<string, Order> = { ...s.durable.heard };
      for (const p of pathsOf(lieutenants, round, [me])) heard[pathKey(p)] ??= RETREAT;
      if (round <= g.m) {
        for (const j of lieutenants) {
          if (j === me) continue;
          const told = Object.fromEntries(pathsOf(lieutenants, round, [me, j]).map((p) => [pathKey(p), heard[pathKey(p)]]));
          if (Object.keys(told).length > 0) ctx.broadcast({ type: 'Relay', heard: told }, [j]);
        }
      }
      return { durable: { heard, decision: round === rounds ? decideOral(me, heard) : null }, volatile: null };
    },
  };

  const compareChains = (a: SignedOrder, b: SignedOrder): number => {
    for (let i = 0; i < Math.min(a.chain.length, b.chain.length); i++) {
      const d = rank.get(a.chain[i])! - rank.get(b.chain[i])!;
      if (d !== 0) return d;
    }
    return a.chain.length - b.chain.length || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  };

  const signedLieutenant: Role<SignedLieutenant, Msg> = {
    init: (): SignedLieutenant => ({ durable: { orders: [], decision: null }, volatile: null }),
    receive: (s, msg, from, ctx) => {
      const items = msg.type === 'Orders' ? msg.bundle : msg.type === 'Order' ? [msg as SignedOrder] : [];
      // Accepted: a chain of this round's length, from c, signed last by the sender, not yet by me.
      const accepted = items.filter(
        (o) =>
          isOrder(o.value) &&
          Array.isArray(o.chain) &&
          o.chain.length === ctx.round &&
          o.chain[0] === 'c' &&
          o.chain[o.chain.length - 1] === from &&
          o.chain.every((x) => rank.has(x)) &&
          distinct([...o.chain, ctx.self]),
      );
      if (accepted.length === 0) return;
      return { ...s, volatile: [...(s.volatile ?? []), ...accepted.map((o) => ({ type: 'Order' as const, value: o.value, chain: o.chain }))] };
    },
    endOfRound: (s, round, ctx) => {
      const me = ctx.self;
      let orders = s.durable.orders;
      // The orders of a round are taken in a fixed order (by chain), so which chain is relayed does not depend on delivery order.
      for (const o of [...(s.volatile ?? [])].sort(compareChains)) {
        if (orders.includes(o.value)) continue;
        orders = [...orders, o.value].sort();
        if (o.chain.length <= g.m) {
          const chain = [...o.chain, me];
          ctx.broadcast({ type: 'Order', value: o.value, chain }, lieutenants.filter((x) => !chain.includes(x)));
        }
      }
      return { durable: { orders, decision: round === rounds ? choice(orders) : null }, volatile: null };
    },
  };

  /** What a traitor may send `to` in `round`: only messages a loyal lieutenant would read. */
  const universe = (from: string, to: string, round: number): readonly Msg[] => {
    const key = `${from}>${to}@${round}`;
    let out = memo.get(key);
    if (out) return out;
    out = [];
    if (to !== 'c' && g.mode === 'oral') {
      if (from === 'c' && round === 1) out = ORDERS.map((value) => ({ type: 'Order' as const, value }));
      else if (from !== 'c' && round >= 2) {
        // Any value, or none, on each path the traitor could have heard on (at least one value: "none at all" is the layer's silence).
        const ps = pathsOf(lieutenants, round - 1, [from, to]).map(pathKey);
        let told: Record<string, Order>[] = [{}];
        for (const p of ps) told = told.flatMap((t) => [...ORDERS.map((v) => ({ ...t, [p]: v })), t]);
        out = told.filter((t) => Object.keys(t).length > 0).map((heard) => ({ type: 'Relay' as const, heard }));
      }
    } else if (to !== 'c') {
      const chains =
        from === 'c' ? (round === 1 ? [['c']] : []) : round >= 2 ? pathsOf(lieutenants, round - 1, [from, to]).map((p) => [...p, from]) : [];
      const items: SignedOrder[] = chains.flatMap((chain) => ORDERS.map((value) => ({ type: 'Order' as const, value, chain })));
      out = subsets(items).map((bundle) => (bundle.length === 1 ? bundle[0] : { type: 'Orders' as const, bundle }));
    }
    memo.set(key, out);
    return out;
  };

  const loyalDecisions = (w: World) => w.loyal('lieutenant').map((id) => w.node<OralLieutenant | SignedLieutenant>(id).durable.decision);
  const loyalOrder = (w: World) => (w.byzantine('c') ? null : g.order);

  return {
    nodes: ids.map((id, i) => ({ id, role: i === 0 ? 'commander' : 'lieutenant' })),
    rounds,
    universe,
    roles: {
      commander: {
        init: (): NodeState<null, null> => ({ durable: null, volatile: null }),
        start: (s, ctx) => {
          ctx.broadcast(g.mode === 'oral' ? { type: 'Order', value: g.order } : { type: 'Order', value: g.order, chain: ['c'] }, lieutenants);
          return s;
        },
      },
      lieutenant: g.mode === 'oral' ? oralLieutenant : signedLieutenant,
    },
    properties: [
      ic1(loyalDecisions),
      ic2(loyalOrder, loyalDecisions),
      sometimes(
        'loyal-lieutenants-decide',
        (w: World) => {
          const d = loyalDecisions(w);
          return d.length > 0 && d.every((x) => x !== null);
        },
        'the rounds end with every loyal lieutenant decided',
      ),
      sometimes('order-obeyed', (w: World) => loyalDecisions(w).includes(g.order), "some loyal lieutenant decides the commander's order"),
    ],
  };
}
