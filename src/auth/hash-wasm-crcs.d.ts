/**
 * hash-wasm's per-algorithm bundles, which checksums.ts imports instead of the package's index:
 * the index carries every algorithm's WebAssembly and cost the server ~10 MiB of RSS at start.
 * They are CommonJS (UMD) files without types of their own: these are the package's.
 */
declare module 'hash-wasm/dist/crc32.umd.min.js' {
  const bundle: { createCRC32: typeof import('hash-wasm').createCRC32 };
  export default bundle;
}

declare module 'hash-wasm/dist/crc64.umd.min.js' {
  const bundle: { createCRC64: typeof import('hash-wasm').createCRC64 };
  export default bundle;
}
