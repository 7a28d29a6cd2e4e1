// The CLI tests run the built command, so build dist/ once before any test file runs.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  // The inspector page (served by `mfchart inspect`, loaded by the browser tests) is a Vite build.
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', 'inspect/page'], { stdio: 'inherit' });
}
