/**
 * `mfchart serve-push` and `mfchart push`: a push server on a port, and the push client sending an
 * ASF file to a publishing point — the open counterpart of the Windows Media Encoder's push —
 * reporting every step in HRESULT terms (wmf-push-sink.md, issue 5).
 *
 *   mfchart serve-push [--host 127.0.0.1] [--port N] [--out DIR] [--profile NAME] [--user U --password P [--digest]]
 *   mfchart push <file> <url> [--template URL] [--auto-destroy] [--user U --password P]
 *                [--proxy-user U --proxy-password P] [--file-id-ff] [--keep-padding]
 *
 * `push` exits 0 when every step returned S_OK, 1 on a failure HRESULT, 2 on bad input.
 * @module
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { formatHr, HR, type HResult } from '../machines/hresult.js';
import { AsfError, readAsf, type AsfFile } from '../adapters/wmf-push/asfReader.js';
import { createPushClient } from '../adapters/wmf-push/createPushClient.js';
import { pushAll } from '../adapters/wmf-push/pushAll.js';
import { createPushServer } from '../adapters/wmf-push/createPushServer.js';
import { PUSH_SERVER_PROFILES, type PushServerProfileName } from '../adapters/wmf-push/pushServerProfiles.js';


/** `mfchart serve-push`: runs until SIGINT/SIGTERM, printing each session that ends. */
export async function runServePushCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '8080' },
        out: { type: 'string', default: 'push-out' },
        profile: { type: 'string', default: 'mfchart' },
        user: { type: 'string' },
        password: { type: 'string' },
        digest: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`mfchart serve-push: ${(error as Error).message}\n`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`mfchart serve-push: --port ${values.port} is not a port number\n`);
    return 2;
  }
  const profile = values.profile as PushServerProfileName;
  if (!PUSH_SERVER_PROFILES.includes(profile)) {
    process.stderr.write(`mfchart serve-push: --profile ${values.profile} is not one of ${PUSH_SERVER_PROFILES.join(', ')}\n`);
    return 2;
  }
  const digest = values.digest || profile === 'flumotion';
  if (values.user === undefined && digest) {
    process.stderr.write(`mfchart serve-push: ${profile === 'flumotion' ? 'the flumotion profile' : '--digest'} needs --user and --password\n`);
    return 2;
  }
  const auth = values.user !== undefined ? { scheme: digest ? ('digest' as const) : ('basic' as const), user: values.user, password: values.password ?? '' } : undefined;
  const server = createPushServer({ host: values.host!, port, outDir: values.out!, profile, ...(auth ? { auth } : {}) });
  try {
    await server.listen();
  } catch (error) {
    process.stderr.write(`mfchart serve-push: cannot listen on ${values.host}:${port}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`serve-push: listening on ${server.url}\nserve-push: writing sessions to ${values.out}\n`);
  process.stdout.write(`serve-push: profile ${profile}${auth ? `, ${auth.scheme} authentication` : ''}\n`);
  const report = async (): Promise<void> => {
    for (;;) {
      const s = await server.nextSessionEnd();
      process.stdout.write(`session ${s.pushId} /${s.point}: ${s.reason}, ${s.units} units, ${s.dataBytes} data bytes, ${s.bodyBytes} body bytes${s.files.length > 0 ? ` -> ${s.files.join(', ')}` : ''}\n`);
    }
  };
  void report();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

/** `mfchart push <file> <url>`: pushes an ASF file and reports each step's HRESULT and the counts. */
export async function runPushCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        template: { type: 'string' },
        'auto-destroy': { type: 'boolean', default: false },
        user: { type: 'string' },
        password: { type: 'string' },
        'proxy-user': { type: 'string' },
        'proxy-password': { type: 'string' },
        'file-id-ff': { type: 'boolean', default: false },
        'keep-padding': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`mfchart push: ${(error as Error).message}\n`);
    return 2;
  }
  const [file, url, ...extra] = parsed.positionals;
  if (file === undefined || url === undefined || extra.length > 0) {
    process.stderr.write(
      'mfchart push: usage: mfchart push <file> <url> [--template URL] [--auto-destroy] [--user U --password P] [--proxy-user U --proxy-password P] [--file-id-ff] [--keep-padding]\n',
    );
    return 2;
  }
  let asf: AsfFile;
  try {
    asf = readAsf(fs.readFileSync(file));
  } catch (error) {
    process.stderr.write(`mfchart push: ${file}: ${error instanceof AsfError ? error.message : (error as Error).message}\n`);
    return 2;
  }
  const { values } = parsed;
  const client = createPushClient({ fileIdFF: values['file-id-ff']!, stripPadding: !values['keep-padding'] });
  const say = (step: string, hr: HResult) => process.stdout.write(`${step}: ${formatHr(hr)}\n`);
  try {
    const credentials = values.user !== undefined ? { user: values.user, password: values.password ?? '' } : undefined;
    const proxyCredentials = values['proxy-user'] !== undefined ? { user: values['proxy-user'], password: values['proxy-password'] ?? '' } : undefined;
    const connected = await client.connect(url, {
      templateUrl: values.template ?? null,
      autoDestroy: values['auto-destroy']!,
      ...(credentials ? { credentials } : {}),
      ...(proxyCredentials ? { proxyCredentials } : {}),
    });
    say('Connect', connected);
    if (connected !== HR.S_OK) return connected === HR.E_INVALIDARG || connected === HR.NS_E_INVALID_NAME ? 2 : 1;
    const header = await client.onHeader(asf.header);
    say('OnHeader', header);
    const outcomes = await pushAll(client, asf.packets);
    const firstFailure: HResult = header !== HR.S_OK ? header : (outcomes.find((hr) => hr !== HR.S_OK) ?? HR.S_OK);
    say('OnDataUnit', firstFailure);
    const ended = await client.endSession();
    say('EndSession', ended);
    const s = client.stats();
    process.stdout.write(`units: ${s.handed} handed, ${s.acked} acknowledged, ${s.failed} failed\n`);
    process.stdout.write(`bytes: ${s.dataBytes} data, ${s.bodyBytes} body, ${s.pushStarts} PushStart(s), ${s.strippedBytes} padding stripped\n`);
    if (client.lastStatus !== HR.S_OK) say('status', client.lastStatus);
    return firstFailure === HR.S_OK && ended === HR.S_OK ? 0 : 1;
  } finally {
    client.dispose();
  }
}
