import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console is served by the Coffer server itself under /_coffer/console/ (same origin as the
 * API, so no CORS), from console/dist. Hashed asset names let the server cache them forever.
 */
export default defineConfig({
  root,
  base: '/_coffer/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // ~700 kB (~200 kB gzipped) at start, most of it the AWS SDK clients; the auditor (the EC2
    // client and the checks, ~165 kB) is a separate chunk loaded when an audit runs.
    chunkSizeWarningLimit: 1000,
  },
});
