/**
 * The unreduced reference: OM(m) and SM(m) written on the protocol layer as in the paper, with
 * synchronous rounds (`timing: 'rounds'`) and f Byzantine generals placed anywhere
 * (`byzantine: f`, every placement explored). A traitor sends, in every round, one payload (or
 * nothing) to every loyal general, chosen from the message universe: in `oral` mode any value on
 * any path, in `signed` mode any bundle of signed orders whose loyal signatures it has seen.
 * OM's rounds from the fourth on are delivered in several lockstep slots (`oralSchedule`), so
 * that a traitor's choice is always a list short enough to enumerate.
 *
 * Nothing is abstracted here, so its state space is large; it is the yardstick the reduced
 * model (`reduced-oral.ts`, `reduced-signed.ts`) is tested against.
 */
import { protocol, role, type Role, type WorldOf } from 'faultline';
import { ORDERS, RETREAT, choice, generalIds, generalsProperties, lieutenantIds, majority, type Generals, type LieutenantId, type Order } from './common.ts';

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

/** An oral lieutenant: the value heard on each path (`c>l2` = what l2 said c said), and its decision — all on disk. */
export interface OralLieutenant {
  readonly heard: Readonly<Record<string, Order>>;
  readonly decision: Order | null;
}

/**
 * A signed lieutenant: the set V of orders it accepted and its decision (on disk), and the
 * orders received this round (in memory only), processed together at the round's end.
 */
export interface SignedLieutenant {
  readonly orders: readonly Order[];
  readonly decision: Order | null;
  readonly received: readonly SignedOrder[];
}

const isOrder = (v: unknown): v is Order => v === 'ATTACK' || v === 'RETREAT';
const isChain = (c: unknown): c is readonly string[] => Array.isArray(c) && c.every((x) => typeof x === 'string');
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

/**
 * One slot of the oral schedule: a lockstep round of the layer, carrying part of OM round
 * `round` — the values heard on the paths that extend `prefix` (rounds 1–3: all of them).
 */
export interface Slot {
  readonly round: number;
  /** Null in a round with no path left to relay on: it runs, empty, as in the paper. */
  readonly prefix: readonly string[] | null;
}

/**
 * When OM's messages are sent, and how a lieutenant decides. Round r (r ≥ 2) relays the values
 * heard on paths of r − 1 generals; from round 4 on it is split into one slot per path q of
 * r − 2 generals, carrying the values heard on the paths q → x. Nothing is lost: what a loyal
 * lieutenant relays in round r was all heard in round r − 1, and a traitor still chooses any
 * value (or none) on every path, only over several steps — which keeps each choice a list
 * short enough to enumerate (a traitor's relay to one lieutenant in round 4 of OM(3) with 9
 * generals would otherwise be one of 3^30 messages).
 */
export function oralSchedule(lieutenants: readonly string[], m: number) {
  const slots: Slot[] = [];
  for (let r = 1; r <= m + 1; r++) {
    const prefixes = r <= 2 ? [[]] : pathsOf(lieutenants, r - 2, []);
    if (prefixes.length === 0) slots.push({ round: r, prefix: null });
    for (const prefix of prefixes) slots.push({ round: r, prefix });
  }
  const extending = (slot: Slot, length: number, avoid: readonly string[]) =>
    slot.prefix === null ? [] : pathsOf(lieutenants, length, avoid).filter((p) => slot.prefix!.every((x, i) => p[i] === x));
  const cache = new Map<string, readonly string[]>();
  const cached = (key: string, make: () => string[]) => {
    let out = cache.get(key);
    if (!out) cache.set(key, (out = make()));
    return out;
  };

  /** The tree of `me`'s recursive majority: each path's own value and its extensions, children first. */
  const trees = new Map<string, { key: string; children: number[] }[]>();
  const treeOf = (me: string) => {
    let nodes = trees.get(me);
    if (nodes) return nodes;
    nodes = [];
    const add = (p: string[]): number => {
      const children = p.length === m + 1 ? [] : lieutenants.filter((j) => j !== me && !p.includes(j)).map((j) => add([...p, j]));
      nodes!.push({ key: pathKey(p), children });
      return nodes!.length - 1;
    };
    add(['c']);
    trees.set(me, nodes);
    return nodes;
  };

  return {
    slots,
    /** The paths (keys) whose values lieutenant `me` stores after slot `slot` (1-based): the relayer last. */
    delivered: (slot: number, me: string) =>
      cached(`d${slot}:${me}`, () => extending(slots[slot - 1], slots[slot - 1].round, [me]).map(pathKey)),
    /** The paths (keys) `from` tells `to` about in slot `slot`. */
    relayed: (slot: number, from: string, to: string) =>
      slots[slot - 1].round < 2 ? [] : cached(`r${slot}:${from}>${to}`, () => extending(slots[slot - 1], slots[slot - 1].round - 1, [from, to]).map(pathKey)),
    /** OM: lieutenant `me`'s recursive majority over what it heard (RETREAT where nothing was heard). */
    decide: (me: string, heard: Readonly<Record<string, Order>>): Order => {
      const nodes = treeOf(me);
      const value: Order[] = [];
      nodes.forEach((node, i) => {
        const own = heard[node.key] ?? RETREAT;
        value[i] = node.children.length === 0 ? own : majority([own, ...node.children.map((c) => value[c])]);
      });
      return value[nodes.length - 1];
    },
  };
}

/** The commander: it keeps no state, and (loyal) sends its order in round 1. */
const commanderRole = (g: Generals, lieutenants: readonly LieutenantId[]) =>
  role<null, Msg>({
    init: () => null,
    start: (_s, ctx) => ctx.broadcast(g.mode === 'oral' ? { type: 'Order', value: g.order } : { type: 'Order', value: g.order, chain: ['c'] }, lieutenants),
  });

/** The global state of an instance whose lieutenants' state is `L`. */
export type GeneralsWorld<L> = WorldOf<{ readonly commander: Role<null, Msg>; readonly lieutenant: Role<L, Msg> }, { readonly commander: readonly ['c']; readonly lieutenant: LieutenantId[] }>;

/** The unreduced protocol of an instance: OM(m) or SM(m) as `g.mode` says. */
export function generalsProtocol(g: Generals) {
  const ids = generalIds(g.n);
  const lieutenants = lieutenantIds(g.n);
  const rank = new Map<string, number>(ids.map((id, i) => [id, i]));
  const memo = new Map<string, readonly Msg[]>();
  const oral = oralSchedule(lieutenants, g.m);

  const oralLieutenant = role<OralLieutenant, Msg>({
    init: () => ({ heard: {}, decision: null }),
    durable: 'all',
    receive: (s, msg, from, ctx) => {
      const slot = oral.slots[ctx.round - 1];
      const heard: Record<string, Order> = { ...s.heard };
      if (msg.type === 'Order' && from === 'c' && slot.round === 1 && isOrder(msg.value)) heard.c = msg.value;
      else if (msg.type === 'Relay' && from !== 'c') {
        for (const [key, value] of Object.entries(msg.heard)) {
          const p = key.split('>');
          const valid =
            p.length === slot.round - 1 &&
            p[0] === 'c' &&
            p.slice(1).every((x) => rank.has(x) && x !== 'c') &&
            distinct([...p, from, ctx.self]) &&
            slot.prefix !== null &&
            slot.prefix.every((x, i) => p[i] === x);
          if (valid && isOrder(value)) heard[`${key}>${from}`] = value;
        }
      } else return;
      return { ...s, heard };
    },
    endOfRound: (s, round, ctx) => {
      const me = ctx.self;
      // A value not received in this slot reads as RETREAT, and is relayed as such.
      const heard: Record<string, Order> = { ...s.heard };
      for (const key of oral.delivered(round, me)) heard[key] ??= RETREAT;
      if (round < oral.slots.length) {
        for (const j of lieutenants) {
          if (j === me) continue;
          const keys = oral.relayed(round + 1, me, j);
          if (keys.length > 0) ctx.broadcast({ type: 'Relay', heard: Object.fromEntries(keys.map((k) => [k, heard[k]])) }, [j]);
        }
      }
      return { heard, decision: round === oral.slots.length ? oral.decide(me, heard) : null };
    },
  });

  const compareChains = (a: SignedOrder, b: SignedOrder): number => {
    for (let i = 0; i < Math.min(a.chain.length, b.chain.length); i++) {
      const d = rank.get(a.chain[i])! - rank.get(b.chain[i])!;
      if (d !== 0) return d;
    }
    return a.chain.length - b.chain.length || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
  };

  const signedLieutenant = role<SignedLieutenant, Msg>({
    init: () => ({ orders: [], decision: null, received: [] }),
    // A crash loses the orders of the round under way, which are only in memory.
    durable: ['orders', 'decision'],
    receive: (s, msg, from, ctx) => {
      const items: readonly { readonly value: unknown; readonly chain?: unknown }[] = msg.type === 'Orders' ? msg.bundle : msg.type === 'Order' ? [msg] : [];
      // Accepted: a chain of this round's length, from c, signed last by the sender, not yet by me.
      const accepted = items.filter(
        (o): o is SignedOrder =>
          isOrder(o.value) &&
          isChain(o.chain) &&
          o.chain.length === ctx.round &&
          o.chain[0] === 'c' &&
          o.chain[o.chain.length - 1] === from &&
          o.chain.every((x) => rank.has(x)) &&
          distinct([...o.chain, ctx.self]),
      );
      if (accepted.length === 0) return;
      return { ...s, received: [...s.received, ...accepted.map((o) => ({ type: 'Order' as const, value: o.value, chain: o.chain }))] };
    },
    endOfRound: (s, round, ctx) => {
      const me = ctx.self;
      let orders = s.orders;
      // The orders of a round are taken in a fixed order (by chain), so which chain is relayed does not depend on delivery order.
      for (const o of [...s.received].sort(compareChains)) {
        if (orders.includes(o.value)) continue;
        orders = [...orders, o.value].sort();
        if (o.chain.length <= g.m) {
          const chain = [...o.chain, me];
          ctx.broadcast({ type: 'Order', value: o.value, chain }, lieutenants.filter((x) => !chain.includes(x)));
        }
      }
      return { orders, decision: round === g.m + 1 ? choice(orders) : null, received: [] };
    },
  });

  /** What a traitor may send `to` in `round`: only messages a loyal lieutenant would read. */
  const universe = (from: string, to: string, round: number): readonly Msg[] => {
    const key = `${from}>${to}@${round}`;
    let out = memo.get(key);
    if (out) return out;
    out = [];
    if (to !== 'c' && g.mode === 'oral') {
      if (from === 'c' && oral.slots[round - 1].round === 1) out = ORDERS.map((value) => ({ type: 'Order' as const, value }));
      else if (from !== 'c') {
        // Any value, or none, on each path the traitor could have heard on (at least one value: "none at all" is the layer's silence).
        let told: Record<string, Order>[] = [{}];
        for (const p of oral.relayed(round, from, to)) told = told.flatMap((t) => [...ORDERS.map((v) => ({ ...t, [p]: v })), t]);
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

  /** The protocol with lieutenants playing `lieutenant` for `rounds` lockstep rounds. */
  const assemble = <L extends { readonly decision: Order | null }>(lieutenant: Role<L, Msg>, rounds: number) => {
    const loyalDecisions = (w: GeneralsWorld<L>) => w.nodesOf('lieutenant').flatMap((id) => (w.byzantine(id) ? [] : [w.node(id).decision]));
    return protocol(
      { roles: { commander: commanderRole(g, lieutenants), lieutenant }, nodes: { commander: ['c'], lieutenant: lieutenants } },
      {
        // Lockstep rounds against f traitors of the variant's kind: the problem itself, not a system model to choose.
        fixedFaults: { timing: 'rounds', byzantine: g.f, byzantineMode: g.mode },
        rounds,
        universe,
        properties: generalsProperties(g, (w: GeneralsWorld<L>) => (w.byzantine('c') ? null : g.order), loyalDecisions),
      },
    );
  };
  return g.mode === 'oral' ? assemble(oralLieutenant, oral.slots.length) : assemble(signedLieutenant, g.m + 1);
}
