// Shared by the mf-native suites: Wine must be installed and `npm run setup:mf-native` must have
// filled the runtime cache. Locally a missing piece skips the suite with the command to run;
// under CI (CI=true) it fails the suite, so the mf-native tests are mandatory there.
import { readdirSync, readFileSync } from 'node:fs';
import { missingPrograms, WINE } from './systemPackage.js';
import { findNativeRuntime, MfNativeSetupError } from '../adapters/mf-native/nativeRuntime.js';

/** Why the mf-native suites cannot run here, or undefined when they can. */
export function mfNativeUnavailable(): string | undefined {
  const missing = missingPrograms(WINE);
  if (missing) return missing;
  try {
    findNativeRuntime();
    return undefined;
  } catch (error) {
    if (!(error instanceof MfNativeSetupError)) throw error;
    if (process.env.CI) throw new Error(`mandatory under CI: ${error.message}`);
    console.warn(`skipping suite: ${error.message}`);
    return error.message;
  }
}

/** Wine processes running in `prefix` (read from /proc), for teardown checks. */
export function wineProcessesIn(prefix: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (env.split('\0').includes(`WINEPREFIX=${prefix}`)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile, or is not ours to read
    }
  }
  return pids;
}
