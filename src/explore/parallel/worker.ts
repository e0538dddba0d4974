/**
 * The entry point of a worker thread of a parallel search: build the model from its source (as
 * the coordinator did), attach the shared store and codec, and answer each `Expand` with an
 * `Expanded` and each `Rehash` with `Rehashed` (protocol.ts).
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { guarded } from '../../model/guard.ts';
import { InputError } from '../../model/errors.ts';
import { loadModule } from '../../model/load.ts';
import type { Model } from '../../model/model.ts';
import { buildRun } from '../../model/run.ts';
import { SharedStateStore } from '../../state/shared-fingerprint-set.ts';
import { selectProperties } from '../properties.ts';
import { StopSignal } from '../stop.ts';
import { codecOf } from '../../state/codec.ts';
import { Expander } from './expander.ts';
import { failure } from './failure.ts';
import type { Expand, FromWorker, ModelSource, Rehash, ToWorker } from './protocol.ts';

/** The model a source describes, built exactly as the coordinator built it. */
export async function buildSource(source: ModelSource): Promise<Model<any, any>> {
  const { definition } = source;
  // The shipped models are imported only when one is asked for: a thread starts faster without them.
  const def = 'shipped' in definition ? (await import('../../../models/index.ts')).models.find((m) => m.name === definition.shipped) : await loadModule(definition.module);
  if (def === undefined) throw new InputError(`unknown model "${(definition as { shipped: string }).shipped}"`);
  return selectProperties(guarded(buildRun(def, source.run).model), source.properties);
}

const port = parentPort!;
let expander: Expander<any, any> | null = null;
const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** Answer a chunk with what came of it, or rehash a part of the table (protocol.ts). */
function answer(m: Expand | Rehash): void {
  if (m.type === 'rehash') {
    SharedStateStore.attach(m.store).rehashPart(m.into, m.part, m.parts);
    post({ type: 'rehashed' });
  } else {
    const done = expander!.expand(m);
    post(done, done.next.map((c) => c.bytes.buffer as ArrayBuffer));
  }
}

port.on('message', async (m: ToWorker) => {
  try {
    if (m.type === 'start') {
      const model = await buildSource(m.source);
      expander = new Expander(model, SharedStateStore.attach(m.store), codecOf(model, m.codec), new StopSignal(m.stop), m.all);
      post({ type: 'ready' });
    } else {
      // The messages queued behind this one are answered here, not each after a turn of the event loop.
      for (let next: ToWorker | undefined = m; next !== undefined; next = receiveMessageOnPort(port)?.message as ToWorker | undefined) {
        if (next.type === 'start') throw new Error('internal error: a worker thread was started twice');
        answer(next);
      }
    }
  } catch (e) {
    post(failure(e));
  }
});
