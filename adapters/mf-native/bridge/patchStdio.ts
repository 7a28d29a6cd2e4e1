/**
 * Imported first by the bridge's entry module. Windows node under Wine 8 cannot open a Unix pipe as
 * `process.stdout` / `process.stderr` (`Error: open EBADF at new Socket … createWritableStdioStream`),
 * while `fs.writeSync(1|2, …)` works. So both are replaced, before anything touches them, by
 * Writables that write synchronously to the file descriptors.
 * @module
 */
import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';

for (const [name, fd] of [['stdout', 1], ['stderr', 2]] as const) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      try {
        writeSync(fd, chunk);
      } catch {
        // The reader is gone: nothing useful can be done with the text.
      }
      callback();
    },
  });
  Object.defineProperty(process, name, { value: stream, configurable: true, writable: true });
}
