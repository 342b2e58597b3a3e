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
    // One bundle of ~700 kB (~200 kB gzipped), most of it the five AWS SDK clients.
    chunkSizeWarningLimit: 1000,
  },
});
