/**
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum of zip and
 * of GitHub tokens. Table-driven: one lookup per byte.
 *
 * Exposed both whole (`crc32`) and incrementally (`crc32Start`/`crc32Update`/
 * `crc32Finish`) so that `parseKey` can validate characters and checksum them
 * in a single pass over the key.
 *
 * Char codes are used as bytes, skipping a UTF-8 encode, so results equal the
 * CRC-32 of the UTF-8 bytes only for ASCII. Callers validate that their input is
 * ASCII first (every key character is checked before it is checksummed).
 */

const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

export const crc32Start = -1;

export function crc32Update(crc: number, byte: number): number {
  return (TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
}

/** The final CRC as an unsigned 32-bit integer. */
export function crc32Finish(crc: number): number {
  return (crc ^ -1) >>> 0;
}

/** CRC-32 of the ASCII string `input[from, to)`. */
export function crc32(input: string, from = 0, to = input.length): number {
  let crc = crc32Start;
  for (let i = from; i < to; i++) crc = crc32Update(crc, input.charCodeAt(i));
  return crc32Finish(crc);
}
