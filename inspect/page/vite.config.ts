/**
 * Builds the inspector page into dist/inspect/page (run from the repository root as
 * `vite build inspect/page`, which makes this folder Vite's root). `base: './'` makes every asset
 * URL relative, so the runtime can serve the folder under any path; everything is bundled, so the
 * page fetches nothing but its own files and its WebSocket.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: '../../dist/inspect/page',
    emptyOutDir: true,
    // One file per chunk kind is plenty for a local tool; the ELK worker is its own asset.
    chunkSizeWarningLimit: 2500,
    sourcemap: false,
  },
});
