// Vite configuration of the React media player example. Run from the repository root:
// `npx vite examples/react-player` (dev server) or `npx vite build examples/react-player` (to dist/).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs, so the built page works from any directory or server path.
  base: './',
});
