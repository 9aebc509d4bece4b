/** snappyjs (MIT) ships no types: the block compressor the tests use as an independent encoder. */
declare module "snappyjs" {
  export function compress(input: Uint8Array): Uint8Array;
  export function uncompress(input: Uint8Array): Uint8Array;
}
