/**
 * Snappy decompression, as GitHub serves attestation bundles from their `bundle_url` (blob
 * storage, `application/x-snappy`): the raw block format, and the framing format's stream of
 * chunks. Output beyond `limit` bytes is refused before it is allocated, so a small body that
 * claims a huge size cannot exhaust memory.
 */

export class SnappyError extends Error {}

const STREAM_IDENTIFIER = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);

/** Decompresses a snappy block or framed stream (told apart by the stream identifier). */
export function snappyDecompress(input: Uint8Array, limit: number): Buffer {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return bytes.subarray(0, STREAM_IDENTIFIER.length).equals(STREAM_IDENTIFIER)
    ? decompressFramed(bytes, limit)
    : decompressBlock(bytes, limit);
}

/** The framing format: chunks of a type byte and a 3-byte length; 0 compressed, 1 stored. */
function decompressFramed(bytes: Buffer, limit: number): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw new SnappyError("truncated chunk header");
    const type = bytes[at] as number;
    const length = bytes.readUIntLE(at + 1, 3);
    const body = bytes.subarray(at + 4, at + 4 + length);
    if (body.length !== length) throw new SnappyError("truncated chunk");
    at += 4 + length;
    // 0xff: stream identifier; 0x80-0xfe: skippable. A checksum (4 bytes) leads each data chunk.
    if (type === 0xff || (type >= 0x80 && type <= 0xfe)) continue;
    if (type > 0x01) throw new SnappyError(`unskippable chunk type ${type}`);
    const data = type === 0 ? decompressBlock(body.subarray(4), limit - total) : body.subarray(4);
    total += data.length;
    if (total > limit) throw new SnappyError(`more than ${limit} bytes`);
    parts.push(data);
  }
  return Buffer.concat(parts);
}

/** The block format: a varint length, then literals and back-references. */
function decompressBlock(bytes: Buffer, limit: number): Buffer {
  let at = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (at >= bytes.length || shift > 28) throw new SnappyError("bad length preamble");
    const byte = bytes[at++] as number;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (length > limit) throw new SnappyError(`${length} bytes, more than ${limit}`);
  const out = Buffer.alloc(length);
  let written = 0;
  const take = (count: number) => {
    if (at + count > bytes.length) throw new SnappyError("truncated input");
    const value = bytes.readUIntLE(at, count);
    at += count;
    return value;
  };
  while (at < bytes.length) {
    const tag = bytes[at++] as number;
    const kind = tag & 0x03;
    if (kind === 0) {
      let size = tag >> 2;
      if (size >= 60) size = take(size - 59);
      size += 1;
      if (at + size > bytes.length || written + size > length) {
        throw new SnappyError("literal runs past the end");
      }
      bytes.copy(out, written, at, at + size);
      at += size;
      written += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (kind === 1) {
      size = 4 + ((tag >> 2) & 0x07);
      offset = ((tag >> 5) << 8) | take(1);
    } else {
      size = (tag >> 2) + 1;
      offset = take(kind === 2 ? 2 : 4);
    }
    if (offset === 0 || offset > written || written + size > length) {
      throw new SnappyError("copy outside the output");
    }
    // Byte by byte: a copy may overlap what it writes (a run of one repeated pattern).
    for (let i = 0; i < size; i++, written++) out[written] = out[written - offset] as number;
  }
  if (written !== length) throw new SnappyError(`${written} bytes, not the ${length} announced`);
  return out;
}
