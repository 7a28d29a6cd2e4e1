// The built `mfchart serve-push` and `mfchart push` commands as child processes, for the tests that
// check the push CLI end to end.
import { spawn, type ChildProcess } from 'node:child_process';

/** A running `mfchart serve-push`. */
export interface ServePush {
  url: string;
  process: ChildProcess;
  /** Resolves with the first match of `pattern` in what the server printed (now or later). */
  printed(pattern: RegExp): Promise<RegExpExecArray>;
}

/** Starts `mfchart serve-push` on 127.0.0.1 (a free port) writing to `outDir`; resolves once it listens. */
export async function startServePush(outDir: string): Promise<ServePush> {
  const serve = spawn(process.execPath, ['dist/cli/mfchart.js', 'serve-push', '--host', '127.0.0.1', '--port', '0', '--out', outDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    serve.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    serve.once('exit', (code) => reject(new Error(`serve-push exited with ${code}: ${output}`)));
  });
  const printed = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = () => {
        const m = pattern.exec(output);
        if (m) resolve(m);
      };
      check();
      serve.stdout.on('data', check);
    });
  return { url, process: serve, printed };
}

/** Runs `mfchart push <args>` to the end: its exit code and everything it printed. */
export async function runPush(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const push = spawn(process.execPath, ['dist/cli/mfchart.js', 'push', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  push.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  push.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => push.once('exit', resolve));
  return { code, output };
}
