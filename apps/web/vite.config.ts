import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/** Where `pnpm dev` forwards API calls; the API's own default port. */
const API = process.env.KEYWARD_API_URL ?? 'http://localhost:3000';

/**
 * The API refuses cookie-carrying writes whose Origin is not its own. The browser talks to
 * Vite's origin, so the proxy presents the request as if it came from the API's origin:
 * `changeOrigin` rewrites Host and this rewrites Origin to match.
 */
const toApi: ProxyOptions = {
  target: API,
  changeOrigin: true,
  configure(proxy) {
    proxy.on('proxyReq', (proxyReq) => {
      if (proxyReq.getHeader('origin')) proxyReq.setHeader('origin', new URL(API).origin);
    });
  },
};

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/trpc': toApi, '/api': toApi, '/v1': toApi },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
});
