/**
 * The README's broadcasting example (examples/broadcast.ts) against the push server on 127.0.0.1:
 * a hand-made ASF file, and an ffmpeg-made WMV that ffprobe accepts after the server wrote it (ffmpeg
 * and ffprobe: mandatory under CI). Also what the application sees when nothing listens.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHr, HR } from '../machines/hresult.js';
import { readAsf } from '../adapters/wmf-push/asfReader.js';
import { createPushServer, type PushServer, type PushServerFaults } from '../adapters/wmf-push/createPushServer.js';
import { broadcastFile } from '../examples/broadcast.js';
import { tinyAsf } from './asfFixture.js';
import { FFMPEG, FFPROBE, missingPrograms } from './systemPackage.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-broadcast-example-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startServer(faults: PushServerFaults = {}): Promise<PushServer> {
  const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: tmpDir(), faults });
  await server.listen();
  cleanups.push(() => server.close());
  return server;
}

const S_OK = formatHr(HR.S_OK);

describe('examples/broadcast.ts', () => {
  it('broadcasts a file with a session: the log the README shows, and the server has every packet', async () => {
    const server = await startServer();
    const file = path.join(tmpDir(), 'clip.asf');
    fs.writeFileSync(file, tinyAsf({ packets: 25, packetSize: 400 }));
    const report = await broadcastFile({ file, url: `${server.url}/live`, unitIntervalMs: 1 });
    expect(report.log).toEqual([
      `SetTopology: ${S_OK}`,
      `MESessionTopologySet: ${S_OK}`,
      `Start: ${S_OK}`,
      `MESessionStarted: ${S_OK}`,
      `MEEndOfPresentation: ${S_OK}`,
      `MESessionEnded: ${S_OK}`,
      `Close: ${S_OK}`,
      `MESessionClosed: ${S_OK}`,
      `Shutdown: ${S_OK}`,
    ]);
    expect(report.ok).toBe(true);
    expect(report.stats.units).toEqual({ handed: 25, written: 25, failed: 0, pending: 0 });
    const summary = server.ended[0]!;
    expect(summary).toMatchObject({ reason: 'endOfStream', units: 25 });
    expect(readAsf(fs.readFileSync(summary.file!)).packets).toEqual(readAsf(fs.readFileSync(file)).packets);
  });

  it('nothing listens: MEError(NS_E_CONNECTION_FAILURE) before MESessionStarted(NS_E_CONNECTION_FAILURE); Close still closes', async () => {
    const server = await startServer({ refuse: true });
    const file = path.join(tmpDir(), 'clip.asf');
    fs.writeFileSync(file, tinyAsf({ packets: 3 }));
    const report = await broadcastFile({ file, url: `${server.url}/live` });
    const failure = formatHr(HR.NS_E_CONNECTION_FAILURE);
    expect(report.log.slice(2)).toEqual([`Start: ${S_OK}`, `MEError: ${failure}`, `MESessionStarted: ${failure}`, `Close: ${S_OK}`, `MESessionClosed: ${S_OK}`, `Shutdown: ${S_OK}`]);
    expect(report.ok).toBe(false);
    expect(report.stats.failures.map((f) => formatHr(f.cause))).toEqual([formatHr(HR.NS_E_PUSH_CANNOTCONNECT)]);
  });

  it('a file that is not ASF is refused before anything connects, naming the file', async () => {
    const file = path.join(tmpDir(), 'not.asf');
    fs.writeFileSync(file, 'hello');
    await expect(broadcastFile({ file, url: 'http://127.0.0.1:9/live' })).rejects.toThrow(/not\.asf: truncated/);
  });
});

const missing = missingPrograms(FFMPEG, FFPROBE);

describe.skipIf(missing)('examples/broadcast.ts with an ffmpeg-made WMV', () => {
  it('the server writes a file ffprobe accepts, with the same packets', async () => {
    const dir = tmpDir();
    const wmv = path.join(dir, 'clip.wmv');
    // prettier-ignore
    execFileSync('ffmpeg', [
      '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=15',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050',
      '-c:v', 'wmv2', '-b:v', '200k', '-c:a', 'wmav2', '-b:a', '32k', '-ac', '1',
      '-t', '1', wmv,
    ]);
    const server = await startServer();
    const report = await broadcastFile({ file: wmv, url: `${server.url}/clip`, unitIntervalMs: 0 });
    expect(report.ok).toBe(true);
    const packets = readAsf(fs.readFileSync(wmv)).packets.length;
    expect(report.stats.units).toEqual({ handed: packets, written: packets, failed: 0, pending: 0 });
    const summary = server.ended[0]!;
    expect(summary).toMatchObject({ reason: 'endOfStream', units: packets });
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'json', summary.file!], { encoding: 'utf8' }),
    ) as { streams: { codec_name: string }[] };
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['wmav2', 'wmv2']);
    expect(readAsf(fs.readFileSync(summary.file!)).packets.length).toBe(packets);
  });
});
