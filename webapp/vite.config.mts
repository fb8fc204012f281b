import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vite';

// The build lands in dist/webapp, next to the compiled API, where the local host serves it at `/`
// (same origin as /api) and azd deploys it to Azure Static Web Apps.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/webapp', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: {
      // swr (inside @ai-sdk/react) marks its modules 'use client', which only matters to server components.
      onLog(level, log, handler) {
        if (log.code !== 'MODULE_LEVEL_DIRECTIVE') handler(level, log);
      },
    },
  },
  server: {
    // `npm run dev -w webapp` next to `npm start`: the API on the local host, the page with hot reload.
    proxy: { '/api': { target: 'http://127.0.0.1:7071', changeOrigin: false } },
  },
});
