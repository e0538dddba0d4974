/**
 * Observations: what a conformance test compares after every step. The adapter reads the
 * implementation into the model's terms (`observe`); the model's side comes from its state. By
 * default that is, for a protocol, every node's state — and the messages in flight and the crashed
 * nodes when the implementation reports them — and, for a plain model, the state itself; a test
 * may give its own projection (`expected`) instead.
 */
import { isDeepStrictEqual } from 'node:util';
import { messageText } from '../protocol/text.ts';
import type { Envelope } from '../protocol/types.ts';
import { World } from '../protocol/world.ts';
import { diff } from '../report/diff.ts';
import { fingerprintHex } from '../state/fingerprint.ts';

/** What an implementation of a protocol reports of itself, in the model's terms. */
export interface ProtocolObservation {
  /** Every node's state, by node id, as the model's roles write it. */
  readonly nodes: Readonly<Record<string, unknown>>;
  /** The messages in flight (compared as a multiset), when the implementation can list them. */
  readonly inFlight?: readonly Envelope[];
  /** The nodes that are down, when the implementation tracks them. */
  readonly crashed?: readonly string[];
}

/** How a model state and an observation are compared, shown and combined. */
export interface Observer<S, O> {
  /** Whether the observation is what the model predicts in state `s`. */
  same(s: S, observed: O): boolean;
  /** Where they differ, one line each: `nodes.tm.state: model "init", implementation "committed"`. */
  differences(s: S, observed: O): string[];
  /** The model's state with the observed parts in it, for checking the model's invariants on the implementation. */
  asState(s: S, observed: O): S;
}

/**
 * The observer of a model: with `expected`, observations are compared with `expected(s)` as plain
 * data; otherwise by the default described above (`protocol` says whether the model's states are
 * protocol worlds).
 */
export function observer<S, O>(protocol: boolean, expected?: (s: S) => O): Observer<S, O> {
  if (expected) {
    return {
      same: (s, o) => isDeepStrictEqual(expected(s), o),
      differences: (s, o) => lines(expected(s), o),
      // Refused up front: `check: 'invariants'` with `expected` is bad input (see `checkConformance`).
      asState: () => {
        throw new TypeError("checking the model's invariants needs observations in the model's own terms");
      },
    };
  }
  if (!protocol) {
    return { same: (s, o) => isDeepStrictEqual(s, o), differences: (s, o) => lines(s, o), asState: (_s, o) => o as unknown as S };
  }
  return protocolObserver() as unknown as Observer<S, O>;
}

function protocolObserver(): Observer<World, ProtocolObservation> {
  const nodesOf = (w: World) => Object.fromEntries(w.ids.map((id) => [id, w.node(id)]));
  const crashedOf = (w: World) => w.ids.filter((id) => w.crashed(id));
  const sameMessages = (a: readonly Envelope[], b: readonly Envelope[]) =>
    a.length === b.length && isDeepStrictEqual(a.map((e) => fingerprintHex(e)).sort(), b.map((e) => fingerprintHex(e)).sort());
  const messages = (es: readonly Envelope[]) => es.map((e) => `${messageText(e.payload)} ${e.from}→${e.to}`).sort();
  /** Both sides in a form made for reading: messages and crashed nodes as sorted lists of names. */
  const shown = (w: World, o: ProtocolObservation) => {
    const model: Record<string, unknown> = { nodes: nodesOf(w) };
    const impl: Record<string, unknown> = { nodes: o.nodes };
    if (o.inFlight) (model.inFlight = messages(w.inFlight())), (impl.inFlight = messages(o.inFlight));
    if (o.crashed) (model.crashed = crashedOf(w)), (impl.crashed = [...o.crashed].sort());
    return { model, impl };
  };
  return {
    same: (w, o) =>
      isDeepStrictEqual(nodesOf(w), o.nodes) &&
      (o.inFlight === undefined || sameMessages(w.inFlight(), o.inFlight)) &&
      (o.crashed === undefined || isDeepStrictEqual(crashedOf(w).sort(), [...o.crashed].sort())),
    differences: (w, o) => {
      const { model, impl } = shown(w, o);
      return lines(model, impl);
    },
    asState: (w, o) => {
      const missing = w.ids.filter((id) => !Object.hasOwn(o.nodes, id));
      if (missing.length > 0) throw new TypeError(`observe() reported no state for ${missing.join(', ')}`);
      return w.successor({ states: w.ids.map((id) => o.nodes[id]) });
    },
  };
}

/** The differences between the model's side and the implementation's, one line each. */
function lines(model: unknown, impl: unknown): string[] {
  return diff(model, impl).map((ch) => {
    if (ch.added && ch.removed) {
      const only = (xs: readonly string[], who: string) => (xs.length > 0 ? [`only the ${who} has ${xs.join(', ')}`] : []);
      return `${ch.path}: ${[...only(ch.added, 'implementation'), ...only(ch.removed, 'model')].join('; ')}`;
    }
    return `${ch.path}: model ${ch.before ?? '(nothing)'}, implementation ${ch.after ?? '(nothing)'}`;
  });
}
