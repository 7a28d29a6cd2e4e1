// Suites that need a system program (Wine, ffmpeg, Chromium) call this once at the top.
// Locally, a missing program skips the suite with a message saying how to install it; under CI
// (CI=true, where .ci/run installs every such package) a missing program fails the suite instead,
// so a mandatory suite can never pass by being skipped.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A system program a suite needs, and how to get it on Debian. */
export interface SystemProgram {
  /** Executable name looked up on PATH, or an absolute path. */
  readonly program: string;
  /** The Debian package(s) to install, for the message. */
  readonly debianPackages: string;
}

export const FFMPEG: SystemProgram = { program: 'ffmpeg', debianPackages: 'ffmpeg' };
export const FFPROBE: SystemProgram = { program: 'ffprobe', debianPackages: 'ffmpeg' };
export const CHROMIUM: SystemProgram = { program: '/usr/bin/chromium', debianPackages: 'chromium' };
export const WINE: SystemProgram = { program: 'wine', debianPackages: 'wine wine64 libwine fonts-wine' };

/** Absolute path of the program, or undefined when it is not installed. */
export function findProgram(program: string): string | undefined {
  if (program.includes('/')) return existsSync(program) ? program : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}

/**
 * Which of `programs` are missing. Throws under CI (the suite is mandatory there); locally
 * returns a message for `describe.skipIf(...)` and prints it once.
 */
export function missingPrograms(...programs: SystemProgram[]): string | undefined {
  const missing = programs.filter((p) => findProgram(p.program) === undefined);
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.map((p) => p.debianPackages))].join(' ');
  const message =
    `missing ${missing.map((p) => p.program).join(', ')}: install with ` +
    `\`sudo apt-get install -y --no-install-recommends ${packages}\` (.ci/run does this)`;
  if (process.env.CI) throw new Error(`mandatory under CI: ${message}`);
  console.warn(`skipping suite, ${message}`);
  return message;
}
