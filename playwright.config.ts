import { defineConfig } from '@playwright/test';
import { WEIGHTS_ORIGIN } from './e2e/weightsServer.ts';

/** Debian's Chromium, never a downloaded browser; WebGL2 through SwiftShader on machines without a GPU. */
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  workers: 1,
  reporter: [['list']],
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: 'http://127.0.0.1:4173',
    viewport: { width: 1400, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--no-sandbox'],
    },
  },
  webServer: {
    command: 'npx vite preview --host 127.0.0.1 --port 4173 --strictPort',
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: false,
    // The preview server's header policy; the built page's <meta> policy comes from test:e2e's build.
    env: { STUDIO_WEIGHTS_ORIGINS: WEIGHTS_ORIGIN },
    timeout: 60_000,
  },
});
