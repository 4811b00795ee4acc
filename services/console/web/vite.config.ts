import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The console's web app, built into services/console/dist/web (served by the console service).
// `npx vite --config web/vite.config.ts` serves it with hot reload; /api is proxied to a console
// on CONSOLE_URL (default http://127.0.0.1:8087).
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    // The saga logic (milestones, outcome, stage durations) the console's server and the CLI use.
    alias: { '@mlops/sagas': here('../../../libs/client/src/sagas.ts') },
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    fs: { allow: [here('../../..')] },
    proxy: { '/api': { target: process.env.CONSOLE_URL ?? 'http://127.0.0.1:8087', changeOrigin: false } },
  },
});
