/**
 * The shipped models' exact distinct-state counts at their defaults (default variant, params and
 * system model), pinned as Stateright pins its examples' counts — each derived independently of
 * the explorer: a closed form with its derivation, or an enumerator written here that re-states
 * the protocol in a few lines of plain code and counts its states in a JS Set. A change to the
 * explorer, the protocol layer or a model that changes a count fails here.
 *
 * A default variant that is violated is searched with `all: true`, so the count is of the whole
 * bounded space rather than of the part searched before the first violation.
 */
import { describe, expect, it } from 'vitest';
import { definition as idempotentRetry } from '../models/idempotent-retry/index.ts';
import { definition as leaseFencing } from '../models/lease-fencing/index.ts';
import { definition as lwwRegister } from '../models/lww-register/index.ts';
import { definition as paxos } from '../models/paxos/index.ts';
import { definition as quorumElection } from '../models/quorum-election/index.ts';
import { definition as quorumReplication } from '../models/quorum-replication/index.ts';
import { definition as twoGenerals } from '../models/two-generals/index.ts';
import { definition as twoPhaseCommit } from '../models/two-phase-commit/index.ts';
import { checkModel, expectStateCount } from '../src/testing/index.ts';

/** Breadth-first search over states encoded as strings: how many are reachable from `init`. */
function countStates(init: readonly string[], successors: (s: string) => string[]): number {
  const seen = new Set(init);
  let frontier = [...seen];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const s of frontier) for (const t of successors(s)) if (!seen.has(t)) (seen.add(t), next.push(t));
    frontier = next;
  }
  return seen.size;
}

/** A multiset of messages (strings), as a sorted list: equal in-flight sets encode equally. */
const bag = (xs: readonly string[]) => [...xs].sort();
const without = (xs: readonly string[], i: number) => xs.filter((_, j) => j !== i);
/** The indices of the distinct messages of a sorted bag: one step per distinct message. */
const distinct = (xs: readonly string[]) => xs.flatMap((x, i) => (i > 0 && xs[i - 1] === x ? [] : [i]));

describe('distinct states of the shipped models at their defaults', () => {
  it('two-phase-commit: 6^n + 4^n + 2^n for n = 3 RMs', () => {
    // Gray & Lamport's TwoPhase; test/two-phase-commit.test.ts confirms the closed form with an
    // enumerator of its own for n = 1…4.
    const r = checkModel(twoPhaseCommit);
    expect(r.run.params).toEqual({ rms: 3 });
    expectStateCount(r, 6 ** 3 + 4 ** 3 + 2 ** 3);
  });

  it('two-generals: 2k + 3 for k = 2 acknowledgements and one capture', () => {
    // The exchange is a chain of k + 2 states (the order on the road, then one state after each
    // of the k + 1 deliveries); capturing messenger j instead of delivering it ends the exchange
    // in a state of its own, one per messenger: k + 1 more.
    const r = checkModel(twoGenerals, { all: true });
    expect(r.run.params).toEqual({ k: 2 });
    expectStateCount(r, 2 * 2 + 3);
  });

  it('lww-register (lamport): 3^2 clock offsets × 3 instants × 13 protocol states', () => {
    // Lamport stamps never read the clock, and a tick is enabled whenever time < maxTime = 2, so
    // the space is a product: the offsets of the 2 replicas' clocks, each in −1…1 (skew 1), fixed
    // at the start; the time, 0…2; and the 13 states of the protocol. With W1, W2 the replicas'
    // writes and D1, D2 the deliveries of what they replicate (Di after Wi): a state is the set
    // of events that happened, and for a write, whether it read the other's version first.
    //   {} 1 · {W1} 1 · {W2} 1 · {W1,D1} 1 · {W2,D2} 1 · {W1,W2} 1 (both read nothing)
    //   {W1,W2,D1} 2 (W2 before or after D1) · {W1,W2,D2} 2 (likewise)
    //   {W1,W2,D1,D2} 3 (concurrent writes, W2 after D1, or W1 after D2) — 13 in all.
    const r = checkModel(lwwRegister);
    expect(r.run).toMatchObject({ variant: 'lamport', params: { replicas: 2, writes: 1 }, faults: { 'max-time': 2, skew: 1 } });
    expectStateCount(r, 3 ** 2 * 3 * 13);
  });

  it('quorum-replication (strict-quorum, n = 3, r = w = 2, one write then one read): an enumerator', () => {
    const [n, q, writes] = [3, 2, 1];
    const replicas = Array.from({ length: n }, (_, i) => `r${i + 1}`);
    // client: op, replied (sorted), highest, history; replicas' versions; messages "to|from|payload".
    type S = { op: number; replied: string[]; highest: number; history: string[]; versions: number[]; net: string[] };
    const key = (s: S) => JSON.stringify(s);
    const begin = (op: number, history: string[], net: string[]): Pick<S, 'op' | 'replied' | 'highest' | 'history' | 'net'> => {
      const k = Math.floor(op / 2) + 1;
      const sent = op < 2 * writes ? replicas.map((r) => `${r}|client|${op % 2 === 0 ? `Write ${k}` : `Read ${k}`}`) : [];
      return { op, replied: [], highest: 0, history, net: bag([...net, ...sent]) };
    };
    const init: S = { ...begin(0, [], []), versions: replicas.map(() => 0) };
    const successors = (text: string): string[] => {
      const s: S = JSON.parse(text);
      return distinct(s.net).map((i) => {
        const [to, from, payload] = s.net[i].split('|');
        const [type, a, b] = payload.split(' ');
        const net = without(s.net, i);
        if (to !== 'client') {
          const r = replicas.indexOf(to);
          const versions = [...s.versions];
          if (type === 'Write') {
            if (Number(a) > versions[r]) versions[r] = Number(a);
            return key({ ...s, versions, net: bag([...net, `client|${to}|WriteAck ${a}`]) });
          }
          return key({ ...s, net: bag([...net, `client|${to}|ReadReply ${a} ${versions[r]}`]) });
        }
        const k = Math.floor(s.op / 2) + 1;
        const writing = s.op % 2 === 0;
        const answers = (type === 'WriteAck' && writing) || (type === 'ReadReply' && !writing);
        if (s.replied.includes(from) || !answers || Number(a) !== k) return key({ ...s, net });
        const replied = [...s.replied, from].sort();
        const highest = writing ? 0 : Math.max(s.highest, Number(b));
        if (replied.length < q) return key({ ...s, replied, highest, net });
        const done = `${writing ? 'write' : 'read'} ${writing ? k : highest} ${2 * s.op}-${2 * s.op + 1}`;
        return key({ ...s, ...begin(s.op + 1, [...s.history, done], net) });
      });
    };
    const r = checkModel(quorumReplication);
    expect(r.run).toMatchObject({ variant: 'strict-quorum', params: { n, r: 0, w: 0, writes } });
    expectStateCount(r, countStates([key(init)], successors));
  });

  it('idempotent-retry (dedup on disk, 2 requests, 2 retries, one loss, one duplicate, one server crash and restart): an enumerator', () => {
    const [requests, retries] = [2, 2];
    // client: current, sent, retry timer armed; server: ledger, applied, up; faults used; messages.
    type S = { current: number; sent: number; timer: boolean; ledger: number[]; applied: number[]; up: boolean; drop: number; dup: number; crash: number; recover: number; net: string[] };
    const key = (s: S) => JSON.stringify(s);
    /** The client sends (a copy of) request `id`, keeping its timer armed while retries remain. */
    const sendCopy = (s: S, id: number, sent: number, net: string[]): S => ({ ...s, current: id, sent, timer: sent <= retries, net: bag([...net, `Deposit ${id}`]) });
    const init = sendCopy({ current: 1, sent: 0, timer: false, ledger: [], applied: [], up: true, drop: 0, dup: 0, crash: 0, recover: 0, net: [] }, 1, 1, []);
    const successors = (text: string): string[] => {
      const s: S = JSON.parse(text);
      const out: S[] = [];
      for (const i of distinct(s.net)) {
        const [type, idText] = s.net[i].split(' ');
        const id = Number(idText);
        const net = without(s.net, i);
        if (type === 'Deposit' && s.up) {
          const fresh = !s.applied.includes(id);
          out.push({ ...s, ledger: fresh ? [...s.ledger, id] : s.ledger, applied: fresh ? [...s.applied, id] : s.applied, net: bag([...net, `Ack ${id}`]) });
        }
        if (type === 'Ack') {
          if (id !== s.current) out.push({ ...s, net });
          else if (id + 1 <= requests) out.push(sendCopy(s, id + 1, 1, net));
          else out.push({ ...s, current: id + 1, sent: 0, timer: false, net });
        }
        if (s.drop < 1) out.push({ ...s, drop: 1, net });
        if (s.dup < 1) out.push({ ...s, dup: 1, net: bag([...s.net, s.net[i]]) });
      }
      if (s.timer) out.push(sendCopy({ ...s, timer: false }, s.current, s.sent + 1, s.net));
      if (s.up && s.crash < 1) out.push({ ...s, up: false, crash: 1 }); // all of the server is on disk
      if (!s.up && s.recover < 1) out.push({ ...s, up: true, recover: 1 });
      return out.map(key);
    };
    const r = checkModel(idempotentRetry);
    expect(r.run).toMatchObject({ variant: 'default', params: { requests, retries }, faults: { drop: 1, duplicate: 1, crash: 1, recover: 1 } });
    expectStateCount(r, countStates([key(init)], successors));
  });
  it('lease-fencing (fenced; lease 1, margin 0; bounded timing to time 2; a client may pause, the lock may restart): an enumerator', () => {
    const [lease, margin, maxTime] = [1, 0, 2];
    type Client = { phase: 'idle' } | { phase: 'requesting'; sentAt: number } | { phase: 'holding'; token: number; expiry: number } | { phase: 'writing' | 'done'; token: number };
    type Write = { token: number; client: string };
    // Timers as [name, deadline]; messages as "to|from|type|token"; perfect clocks (local = time).
    type S = {
      time: number;
      lock: { issued: number; holder: string | null };
      clients: Record<'c1' | 'c2', Client>;
      storage: { accepted: Write[]; rejected: Write[] };
      timers: Record<'lock' | 'c1' | 'c2', [string, number][]>;
      down: { lock: boolean; c1: boolean; c2: boolean };
      used: { crash: number; recover: number; pause: number };
      net: string[];
    };
    const key = (s: S) => JSON.stringify(s);
    const clients = ['c1', 'c2'] as const;
    const init: S = {
      time: 0,
      lock: { issued: 0, holder: null },
      clients: { c1: { phase: 'idle' }, c2: { phase: 'idle' } },
      storage: { accepted: [], rejected: [] },
      timers: { lock: [], c1: [], c2: [] },
      down: { lock: false, c1: false, c2: false },
      used: { crash: 0, recover: 0, pause: 0 },
      net: [],
    };
    const send = (net: string[], to: string, from: string, type: string, token = 0) => bag([...net, `${to}|${from}|${type}|${token}`]);
    const deliverable = (s: S, i: number) => {
      const [to] = s.net[i].split('|');
      return !s.down[to as 'lock'] && (to !== 'lock' || s.lock.holder === null);
    };
    const due = (s: S, node: 'lock' | 'c1' | 'c2') => (s.down[node] ? [] : s.timers[node].filter(([, deadline]) => s.time >= deadline));
    const successors = (text: string): string[] => {
      const s: S = JSON.parse(text);
      const out: S[] = [];
      for (const i of distinct(s.net).filter((i) => deliverable(s, i))) {
        // Each node receives one type of message: the lock Acquire, storage Write, a client Grant.
        const [to, from, , tokenText] = s.net[i].split('|');
        const token = Number(tokenText);
        const net = without(s.net, i);
        if (to === 'lock') {
          const issued = s.lock.issued + 1;
          out.push({ ...s, lock: { issued, holder: from }, timers: { ...s.timers, lock: [['expire', s.time + lease]] }, net: send(net, from, 'lock', 'Grant', issued) });
        } else if (to === 'storage') {
          const write = { token, client: from };
          const stale = s.storage.accepted.some((x) => x.token > token);
          out.push({ ...s, storage: stale ? { ...s.storage, rejected: [...s.storage.rejected, write] } : { ...s.storage, accepted: [...s.storage.accepted, write] }, net });
        } else {
          const c = s.clients[to as 'c1'];
          const next: Client = c.phase === 'requesting' ? { phase: 'holding', token, expiry: c.sentAt + lease - margin } : c;
          out.push({ ...s, clients: { ...s.clients, [to]: next }, net });
        }
      }
      for (const id of clients) {
        const c = s.clients[id];
        if (s.down[id]) continue;
        if (c.phase === 'idle') out.push({ ...s, clients: { ...s.clients, [id]: { phase: 'requesting', sentAt: s.time } }, net: send(s.net, 'lock', id, 'Acquire') });
        if (c.phase === 'holding' && s.time < c.expiry) {
          out.push({ ...s, clients: { ...s.clients, [id]: { phase: 'writing', token: c.token } }, timers: { ...s.timers, [id]: [['write', s.time]] } });
        }
        if (due(s, id).length > 0 && c.phase === 'writing') {
          out.push({ ...s, clients: { ...s.clients, [id]: { phase: 'done', token: c.token } }, timers: { ...s.timers, [id]: [] }, net: send(s.net, 'storage', id, 'Write', c.token) });
        }
      }
      if (due(s, 'lock').length > 0) out.push({ ...s, lock: { ...s.lock, holder: null }, timers: { ...s.timers, lock: [] } });
      // Bounded timing: time waits while a message can be delivered or a timer is due.
      const pending = s.net.some((_, i) => deliverable(s, i)) || due(s, 'lock').length + due(s, 'c1').length + due(s, 'c2').length > 0;
      if (s.time < maxTime && !pending) out.push({ ...s, time: s.time + 1 });
      // The lock's token counter is on disk; who holds the lease, and its timer, are not.
      if (!s.down.lock && s.used.crash < 1) {
        out.push({ ...s, lock: { issued: s.lock.issued, holder: null }, timers: { ...s.timers, lock: [] }, down: { ...s.down, lock: true }, used: { ...s.used, crash: 1 } });
      }
      if (s.down.lock && s.used.recover < 1) out.push({ ...s, down: { ...s.down, lock: false }, used: { ...s.used, recover: 1 } });
      for (const id of clients) {
        if (!s.down[id] && s.used.pause < 1) out.push({ ...s, down: { ...s.down, [id]: true }, used: { ...s.used, pause: 1 } });
        if (s.down[id]) out.push({ ...s, down: { ...s.down, [id]: false } });
      }
      return out.map(key);
    };
    const r = checkModel(leaseFencing);
    expect(r.run).toMatchObject({ variant: 'fenced', params: { lease, margin }, faults: { timing: 'bounded', 'max-time': maxTime, pause: 1, crash: 1, recover: 1 } });
    expectStateCount(r, countStates([key(init)], successors));
  });
  it('paxos (2 proposers, 3 acceptors, ballots up to 2; a set network; a1 may crash once and restart): an enumerator', () => {
    const [proposers, acceptors, ballots, quorum] = [2, 3, 2, 2];
    const pids = Array.from({ length: proposers }, (_, i) => `p${i + 1}`);
    const aids = Array.from({ length: acceptors }, (_, i) => `a${i + 1}`);
    type Proposal = [ballot: number, value: string];
    type Proposer = { ballot: number; learned: string | null; phase: 'idle' | 'preparing' | 'accepting'; heard: string[]; prior: Proposal | null; value: string | null };
    type Acceptor = { promised: number; accepted: Proposal | null; votes: Proposal[] };
    // Messages "to|from|payload" (payload JSON); a set, never consumed: kept sorted, without repeats.
    type S = { p: Proposer[]; a: Acceptor[]; a1Down: boolean; crash: number; recover: number; net: string[] };
    const key = (s: S) => JSON.stringify(s);
    const send = (net: string[], msgs: string[]) => [...new Set([...net, ...msgs])].sort();
    const msg = (to: string, from: string, payload: unknown[]) => `${to}|${from}|${JSON.stringify(payload)}`;
    const parsed = new Map<string, [to: string, from: string, type: string, ballot: number, x: unknown]>();
    /** A message's parts (remembered: every state has its set of messages to read). */
    const read = (m: string) => {
      let parts = parsed.get(m);
      if (!parts) {
        const [to, from, payload] = m.split('|');
        parsed.set(m, (parts = [to, from, ...(JSON.parse(payload) as [string, number, unknown])]));
      }
      return parts;
    };
    /** No ballot in progress. */
    const idle: Pick<Proposer, 'phase' | 'heard' | 'prior' | 'value'> = { phase: 'idle', heard: [], prior: null, value: null };
    /** The ballot proposer i (from 0) starts after `b`: it owns those ≡ i + 1 (mod P) up to `ballots`. */
    const nextBallot = (i: number, b: number) => {
      const next = b === 0 ? i + 1 : b + proposers;
      return next <= ballots ? next : null;
    };
    const init: S = {
      p: pids.map(() => ({ ballot: 0, learned: null, ...idle })),
      a: aids.map(() => ({ promised: 0, accepted: null, votes: [] })),
      a1Down: false,
      crash: 0,
      recover: 0,
      net: [],
    };
    const successors = (text: string): string[] => {
      const s: S = JSON.parse(text);
      const out: S[] = [];
      // Any message in the set may be delivered (again), unless its recipient is down.
      for (const m of s.net) {
        const [to, from, type, b, x] = read(m);
        if (to === 'a1' && s.a1Down) continue;
        if (to.startsWith('a')) {
          const i = aids.indexOf(to);
          const acc = s.a[i];
          const a = [...s.a];
          // Promise b (reporting the last accepted proposal) if nothing ≥ b was promised.
          if (type === 'Prepare' && b > acc.promised) {
            a[i] = { ...acc, promised: b };
            out.push({ ...s, a, net: send(s.net, [msg(from, to, ['Promise', b, acc.accepted])]) });
          }
          // Accept (b, v) if nothing > b was promised; `votes` records each ballot's first acceptance.
          if (type === 'Accept' && b >= acc.promised) {
            const votes = acc.votes.some(([c]) => c === b) ? acc.votes : [...acc.votes, [b, x as string] as Proposal].sort((u, v) => u[0] - v[0]);
            a[i] = { promised: b, accepted: [b, x as string], votes };
            out.push({ ...s, a, net: send(s.net, [msg(from, to, ['Accepted', b])]) });
          }
          continue;
        }
        // A proposer counts each acceptor once per phase of its current ballot.
        const i = pids.indexOf(to);
        const pr = s.p[i];
        if (b !== pr.ballot || pr.heard.includes(from)) continue;
        const heard = [...pr.heard, from].sort();
        const p = [...s.p];
        if (type === 'Promise' && pr.phase === 'preparing') {
          const reported = x as Proposal | null;
          const prior = reported !== null && (pr.prior === null || reported[0] > pr.prior[0]) ? reported : pr.prior;
          if (heard.length < quorum) {
            p[i] = { ...pr, heard, prior };
            out.push({ ...s, p });
          } else {
            // Phase 2 with the value of the highest-ballot proposal reported, else its own.
            const value = prior === null ? `v${i + 1}` : prior[1];
            p[i] = { ...pr, phase: 'accepting', heard: [], prior: null, value };
            out.push({ ...s, p, net: send(s.net, aids.map((a) => msg(a, to, ['Accept', b, value]))) });
          }
        }
        if (type === 'Accepted' && pr.phase === 'accepting') {
          p[i] = heard.length < quorum ? { ...pr, heard } : { ...pr, ...idle, learned: pr.value };
          out.push({ ...s, p });
        }
      }
      // A proposer that learned nothing starts its next ballot, while it has one.
      s.p.forEach((pr, i) => {
        const b = nextBallot(i, pr.ballot);
        if (pr.learned !== null || b === null) return;
        const p = [...s.p];
        p[i] = { ...pr, ...idle, ballot: b, phase: 'preparing' };
        out.push({ ...s, p, net: send(s.net, aids.map((a) => msg(a, pids[i], ['Prepare', b]))) });
      });
      // Acceptors keep everything on disk and proposers never crash: a crash only stops a1, and
      // what is sent to it waits. (Nothing is lost, so any behaviour can delay the crash, and the
      // recovery, to its end: the count is exactly 3 × the count without crashes — a1 up, down,
      // or up again.)
      if (!s.a1Down && s.crash < 1) out.push({ ...s, a1Down: true, crash: 1 });
      if (s.a1Down && s.recover < 1) out.push({ ...s, a1Down: false, recover: 1 });
      return out.map(key);
    };
    const r = checkModel(paxos);
    expect(r.run).toMatchObject({ variant: 'default', params: { proposers, acceptors, ballots }, faults: { network: 'set', timing: 'async', crash: 1, recover: 1, 'crash-nodes': 'a1' } });
    expectStateCount(r, countStates([key(init)], successors));
  });

  it('quorum-election (3 servers, terms up to 2, fenced storage; one loss; n1 may crash once and recover): an enumerator', () => {
    const [n, maxTerm, quorum] = [3, 2, 2];
    const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
    // A server; `timer`: its election timer is armed. On disk: term, votedFor and the ghost `led`.
    type Server = { term: number; votedFor: string | null; role: 'follower' | 'candidate' | 'leader'; votes: string[]; wrote: boolean; led: number[]; timer: boolean };
    // Messages "to|from|type|term" in a multiset; `accepted`: the storage's accepted epochs, in order.
    type S = { servers: Server[]; accepted: number[]; n1Down: boolean; drop: number; crash: number; recover: number; net: string[] };
    const key = (s: S) => JSON.stringify(s);
    const fresh = (): Server => ({ term: 0, votedFor: null, role: 'follower', votes: [], wrote: false, led: [], timer: false });
    /** After every step of a server: its timer is armed exactly while it may start an election (not leader, term below the bound). */
    const settle = (x: Server): Server => ({ ...x, timer: x.role !== 'leader' && x.term < maxTerm });
    /** A candidate with a quorum of votes leads its term. */
    const tally = (x: Server): Server => (x.votes.length >= quorum ? { ...x, role: 'leader', votes: [], wrote: false, led: [...x.led, x.term].sort((a, b) => a - b) } : x);
    /**
     * Whether a server takes a message: a RequestVote of a newer term, or of its own term while
     * its vote is free or already the sender's; a Vote it still counts. Any other waits, in flight.
     */
    const takes = (x: Server, type: string, term: number, from: string) =>
      type === 'RequestVote' ? term > x.term || (term === x.term && (x.votedFor === null || x.votedFor === from)) : x.role === 'candidate' && term === x.term && !x.votes.includes(from);
    const init: S = { servers: ids.map(() => settle(fresh())), accepted: [], n1Down: false, drop: 0, crash: 0, recover: 0, net: [] };
    const successors = (text: string): string[] => {
      const s: S = JSON.parse(text);
      const up = (i: number) => i !== 0 || !s.n1Down;
      const out: S[] = [];
      const withServer = (i: number, x: Server, net = s.net): S => ({ ...s, servers: s.servers.map((y, j) => (j === i ? x : y)), net });
      for (const m of distinct(s.net)) {
        const [to, from, type, termText] = s.net[m].split('|');
        const term = Number(termText);
        const net = without(s.net, m);
        if (to === 'store') {
          // Fencing: a write of an epoch older than one accepted waits, as if dropped on arrival.
          if (term >= Math.max(0, ...s.accepted)) out.push({ ...s, accepted: [...s.accepted, term], net });
          continue;
        }
        const i = ids.indexOf(to);
        let x = s.servers[i];
        if (!up(i) || !takes(x, type, term, from)) continue;
        if (type === 'RequestVote') {
          // A newer term makes the server its follower; either way it (again) votes for the sender.
          if (term > x.term) x = { ...x, term, role: 'follower', votes: [], wrote: false };
          out.push(withServer(i, settle({ ...x, votedFor: from }), bag([...net, `${from}|${to}|Vote|${term}`])));
        } else out.push(withServer(i, settle(tally({ ...x, votes: [...x.votes, from].sort() })), net));
      }
      s.servers.forEach((x, i) => {
        if (!up(i)) return;
        // A leader serves one client write, stamped with its term.
        if (x.role === 'leader' && !x.wrote) out.push(withServer(i, settle({ ...x, wrote: true }), bag([...s.net, `store|${ids[i]}|Write|${x.term}`])));
        // The election timer fires at any moment: a new term, a vote for itself, RequestVotes to the others.
        if (x.timer) {
          const term = x.term + 1;
          const requests = ids.filter((_, j) => j !== i).map((to) => `${to}|${ids[i]}|RequestVote|${term}`);
          out.push(withServer(i, settle(tally({ ...x, term, votedFor: ids[i], role: 'candidate', votes: [ids[i]] })), bag([...s.net, ...requests])));
        }
      });
      // The network loses one message (any copy, whoever it is for, taken or not).
      if (s.drop < 1) for (const m of distinct(s.net)) out.push({ ...s, drop: 1, net: without(s.net, m) });
      // n1 crashes: it keeps term, votedFor and led, loses its role and timer; what it is sent waits.
      const n1 = s.servers[0];
      if (!s.n1Down && s.crash < 1) out.push({ ...withServer(0, { ...fresh(), term: n1.term, votedFor: n1.votedFor, led: n1.led }), n1Down: true, crash: 1 });
      if (s.n1Down && s.recover < 1) out.push({ ...withServer(0, settle(n1)), n1Down: false, recover: 1 });
      return out.map(key);
    };
    const r = checkModel(quorumElection);
    expect(r.run).toMatchObject({ variant: 'default', params: { nodes: n, maxTerm }, faults: { network: 'unordered', timing: 'async', drop: 1, crash: 1, recover: 1, 'crash-nodes': 'n1' } });
    expectStateCount(r, countStates([key(init)], successors));
  });
});
