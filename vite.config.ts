import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** WebAssembly threads need SharedArrayBuffer, which needs cross-origin isolation. */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  // No minification: tfjs-backend-wasm starts its pthread workers from the source text of its
  // Emscripten factory (Function.toString), and a minifier's renamed identifiers break them
  // ("e is not defined"), silently dropping WebAssembly to a failed start.
  build: { target: 'es2022', chunkSizeWarningLimit: 8000, minify: false },
});
