/**
 * The entry point of a worker thread of a parallel search: build the model from its source (as
 * the coordinator did), attach the shared store and codec, and answer each `Expand` with an
 * `Expanded` and each `Rehash` with `Rehashed` (protocol.ts).
 */
import { parentPort, receiveMessageOnPort } from 'node:worker_threads';
import { guarded } from '../../model/guard.ts';
import { InputError } from '../../model/errors.ts';
import { loadModule } from '../../model/load.ts';
import type { ModelDefinition } from '../../model/definition.ts';
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
  const def = 'shipped' in definition ? await shipped(definition.shipped) : await loadModule(definition.module);
  return selectProperties(guarded(buildRun(def, source.run).model), source.properties);
}

/**
 * A shipped model's definition, from its own folder (models/<name>/, named as the model): a thread
 * that imports the one model asked for, not all of them, joins the search sooner. The coordinator
 * found the name among the shipped models; a name that is no folder's is refused all the same.
 */
async function shipped(name: string): Promise<ModelDefinition<any, any>> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new InputError(`unknown model "${name}"`);
  const { definition } = (await import(`../../../models/${name}/index.ts`)) as { definition: ModelDefinition<any, any> };
  if (definition?.name !== name) throw new InputError(`unknown model "${name}"`);
  return definition;
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
