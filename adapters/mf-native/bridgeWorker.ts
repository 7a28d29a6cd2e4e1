/**
 * The worker thread behind {@link NativeBridge}: it owns the bridge process (asynchronous I/O) so
 * that the main thread can wait for answers synchronously (Atomics.wait) — the session and SUT
 * interfaces are synchronous, like COM calls. Every answer is posted on the port, then the shared
 * flag is raised and notified.
 * @module
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { BridgeProcess } from './bridgeProcess.js';
import type { WorkerAnswer, WorkerOrder } from './nativeBridge.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
let bridge: BridgeProcess | undefined;

function answer(message: WorkerAnswer): void {
  port.postMessage(message);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

async function handle(order: WorkerOrder): Promise<void> {
  try {
    switch (order.type) {
      case 'start':
        // A bridge that crashed or was killed still has its prefix (and maybe its wineserver): tear it down first.
        if (bridge) {
          const previous = bridge;
          bridge = undefined;
          await previous.discard();
        }
        bridge = await BridgeProcess.start({ runtime: order.runtime, startTimeoutMs: order.timeoutMs });
        return answer({ seq: order.seq, ok: true, value: { ready: bridge.ready, startMs: bridge.startMs, prefix: bridge.prefix } });
      case 'request': {
        if (!bridge) throw new Error('the bridge is not started');
        const response = await bridge.request(order.body, order.timeoutMs);
        return answer({ seq: order.seq, ok: true, value: response });
      }
      case 'kill':
        bridge?.kill();
        return answer({ seq: order.seq, ok: true, value: null });
      case 'stop': {
        const bye = bridge ? await bridge.stop(order.timeoutMs) : undefined;
        bridge = undefined;
        answer({ seq: order.seq, ok: true, value: bye ?? null });
        port.close();
        return;
      }
    }
  } catch (error) {
    answer({ seq: order.seq, ok: false, error: (error as Error).message, failure: (error as Error).name === 'BridgeFailure' });
  }
}

port.on('message', (order: WorkerOrder) => void handle(order));
// Tells the waiting constructor that the worker is listening.
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
