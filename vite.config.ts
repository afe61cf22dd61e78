import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { contentSecurityPolicy, parseOrigins, WEIGHTS_ORIGINS_ENV } from './src/security/contentSecurityPolicy.ts';

/** WebAssembly threads need SharedArrayBuffer, which needs cross-origin isolation. */
export const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const weightsOrigins = parseOrigins(process.env[WEIGHTS_ORIGINS_ENV]);

/** The policy as a <meta> tag in the built index.html, so it holds on any static host. */
function cspMeta(): Plugin {
  return {
    name: 'studio-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ weightsOrigins }) }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  plugins: [react(), cspMeta()],
  server: { headers: { ...crossOriginIsolation, 'Content-Security-Policy': contentSecurityPolicy({ dev: true, weightsOrigins, header: true }) } },
  preview: { headers: { ...crossOriginIsolation, 'Content-Security-Policy': contentSecurityPolicy({ weightsOrigins, header: true }) } },
  define: { __STUDIO_WEIGHTS_ORIGINS__: JSON.stringify(weightsOrigins) },
  worker: { format: 'es' },
  // No minification: tfjs-backend-wasm starts its pthread workers from the source text of its
  // Emscripten factory (Function.toString), and a minifier's renamed identifiers break them
  // ("e is not defined"), silently dropping WebAssembly to a failed start.
  build: { target: 'es2022', chunkSizeWarningLimit: 8000, minify: false },
});
