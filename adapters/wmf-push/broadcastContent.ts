/**
 * What a broadcasting session sends: the `$H` payload (ASF Header Object + the first 50 bytes of
 * the Data Object) and the data packets, one data unit each. Read from any ASF/WMV file with the
 * push adapter's ASF reader, so the session broadcasts the file's real packets.
 * @module
 */
import fs from 'node:fs';
import { AsfError, readAsf } from './asfReader.js';

/** The content of a broadcast: the header the sink sends first, then the data units in order. */
export interface BroadcastContent {
  /** The `$H` payload: the ASF Header Object and the first 50 bytes of the Data Object. */
  readonly header: Uint8Array;
  /** The ASF data packets; each is handed to the push sink as one data unit (`$D`). */
  readonly packets: readonly Uint8Array[];
}

/** Content from the bytes of an ASF file; throws {@link AsfError} naming what is wrong. */
export function broadcastContentFromAsf(bytes: Uint8Array): BroadcastContent {
  const asf = readAsf(bytes);
  if (asf.packets.length === 0) throw new AsfError('the ASF file holds no data packets: nothing to broadcast');
  return { header: asf.header, packets: asf.packets };
}

/** Content from an ASF/WMV file on disk; throws {@link AsfError} (with the path) when it is not usable. */
export function broadcastContentFromFile(file: string): BroadcastContent {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new AsfError(`${file}: ${(error as Error).message}`);
  }
  try {
    return broadcastContentFromAsf(bytes);
  } catch (error) {
    throw error instanceof AsfError ? new AsfError(`${file}: ${error.message}`) : error;
  }
}
