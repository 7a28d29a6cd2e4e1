// Every subpath export of package.json resolves to built code and carries what README says it does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };

/** A few names each entry must export (README "Using it"). */
const EXPECTED: Record<string, readonly string[]> = {
  '.': ['createSession', 'createSessionHost', 'createMockPlatform', 'loadScenarios', 'runScenarios', 'HR', 'ME'],
  './browser': ['createSession', 'createMockPlatform', 'parseScenario', 'runScenario'],
  './rxjs': ['state$', 'events$'],
  './fp-ts': ['setTopology', 'clearTopologies', 'toHResultError'], // fp-ts is an optional peer, installed here as a dev dependency
  './verify': ['verifyModel', 'exploreTable', 'runConformance', 'frontierOrderings', 'modelSut', 'counterexampleScenario'],
  './push': ['createPushClient', 'createPushServer', 'createBroadcastPlatform', 'readAsf'],
  './mf-native': ['startNativeBridge', 'nativeSut', 'runNativeScenario', 'runNativeVerify'],
  './inspect': ['startInspect', 'createLiveInspector', 'traceToScenario', 'readChart'],
};

describe('package exports', () => {
  it('lists exactly the entries this test knows', () => {
    expect(Object.keys(pkg.exports).filter((key) => key !== './package.json').sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('mfchart%s loads from dist and exports its API', async (subpath, names) => {
    const mod = (await import(subpath === '.' ? 'mfchart' : `mfchart/${subpath.slice(2)}`)) as Record<string, unknown>;
    for (const name of names) expect(mod[name], `${subpath} exports ${name}`).toBeDefined();
  });
});
