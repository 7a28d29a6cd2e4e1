// Debian's Chromium for the browser tests, started the way this closed-network machine needs:
// headless, as root (no sandbox), and with every background connection switched off (otherwise
// Chromium keeps dialling Google's hosts and the refusals pile up).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM } from './systemPackage.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** A browser context on a fresh user-data dir; `close()` also removes the dir. */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(options: Omit<Parameters<typeof chromium.launchPersistentContext>[1], 'executablePath' | 'args'> = {}): Promise<LaunchedChromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'mfchart-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { ...options, executablePath: CHROMIUM.program, headless: true, args: [...CHROMIUM_ARGS] });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
