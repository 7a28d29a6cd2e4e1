/**
 * The bridge: run by Windows node (under Wine on Linux) as `node.exe bridgeMain.js`. Loads koffi
 * from the runtime folder named by MFCHART_KOFFI_DIR (a Windows path), calls CoInitializeEx and
 * MFStartup, prints a ready line, then answers one JSON request per stdin line with one JSON line on
 * stdout (docs/mf-native-protocol.md). stdin is read with fs.read and stdout written with
 * fs.writeSync: Windows node's stream objects cannot use Unix pipes under Wine 8.
 * @module
 */
import './patchStdio.js';
import { read, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { WireReady, WireRequest, WireResponse } from '../protocol.js';
import { createComBinding, type ComBinding, type KoffiApi } from './comBinding.js';
import { MfBridge } from './mfBridge.js';
import type { Koffi } from '../com/koffi.js';
import { createMfRuntime, type MfRuntime } from '../pipeline/createMfRuntime.js';

const send = (message: WireResponse | WireReady) => writeSync(1, JSON.stringify(message) + '\n');

function start(): { com: ComBinding; rt: MfRuntime; bridge: MfBridge } | undefined {
  const dir = process.env.MFCHART_KOFFI_DIR;
  if (!dir) {
    send({ ready: false, error: 'MFCHART_KOFFI_DIR is not set (the folder whose node_modules holds koffi)' });
    return undefined;
  }
  let com: ComBinding;
  let rt: MfRuntime;
  try {
    const koffi = createRequire(`${dir.replace(/[\\/]+$/, '')}\\package.json`)('koffi') as KoffiApi;
    com = createComBinding(koffi);
    // The pipeline objects' layer (JS media sources, sample grabbers) on the same koffi instance.
    rt = createMfRuntime(koffi as unknown as Koffi);
  } catch (error) {
    send({ ready: false, error: `cannot load koffi and mf.dll: ${(error as Error).message}` });
    return undefined;
  }
  const startup = { CoInitializeEx: com.CoInitializeEx(), MFStartup: com.MFStartup() };
  if (startup.MFStartup !== 0) {
    send({ ready: false, error: `MFStartup failed: 0x${startup.MFStartup.toString(16)}`, startup });
    return undefined;
  }
  send({ ready: true, node: process.version, koffi: com.koffi.version, startup });
  return { com, rt, bridge: new MfBridge(com, rt) };
}

async function answer(bridge: MfBridge, rt: MfRuntime, line: string): Promise<boolean> {
  let request: WireRequest;
  try {
    request = JSON.parse(line) as WireRequest;
  } catch {
    send({ id: -1, error: `not JSON: ${line.slice(0, 80)}` });
    return true;
  }
  if ('ping' in request) {
    send({ id: request.id, pong: true, handles: bridge.held });
    return true;
  }
  if ('exit' in request) {
    const leaked = await bridge.releaseAll();
    // On a worker thread: MFShutdown waits for the work queues, whose threads may be calling JS objects.
    send({ id: request.id, bye: true, leaked, MFShutdown: await rt.fn.MFShutdown() });
    return false;
  }
  if (!Array.isArray(request.calls)) {
    send({ id: request.id ?? -1, error: 'a request has calls, ping or exit' });
    return true;
  }
  const results = [];
  for (const call of request.calls) results.push(await bridge.run(call));
  send({ id: request.id, results });
  return true;
}

async function main(): Promise<void> {
  const started = start();
  if (!started) process.exit(1);
  const { rt, bridge } = started;
  const chunk = Buffer.alloc(1 << 16);
  let pending = '';
  for (;;) {
    const n = await new Promise<number>((resolve) => read(0, chunk, 0, chunk.length, null, (error, bytes) => resolve(error ? 0 : bytes)));
    if (n === 0) break; // the adapter is gone: release what is held and leave
    pending += chunk.toString('utf8', 0, n);
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line && !(await answer(bridge, rt, line))) process.exit(0);
    }
  }
  await bridge.releaseAll();
  await rt.fn.MFShutdown();
  process.exit(0);
}

void main();
