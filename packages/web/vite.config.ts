import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server (packages/server) serves dist/ on the same port as socket.io.
// `npm run dev -w @consomme/web` proxies socket.io to a server on port 3000.
export default defineConfig({
  plugins: [react()],
  base: './',
  // mediasoup-client, socket.io-client and React make one ~520 kB chunk (135 kB gzipped); that is expected.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 800 },
  server: {
    host: '127.0.0.1',
    proxy: { '/socket.io': { target: 'http://127.0.0.1:3000', ws: true } },
  },
});
