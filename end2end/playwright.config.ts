import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

// The suite runs against the release build that `.ci/test` makes. It starts its own server on a free
// port with a fresh SQLite file, so it never touches a developer's data.
const port = Number(process.env.PANTAU_TEST_PORT ?? 3310);
const baseURL = `http://127.0.0.1:${port}`;
const repo = path.resolve(__dirname, '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'pantau-target');
const bin = process.env.PANTAU_BIN ?? path.join(targetDir, 'release', 'pantau');
const siteRoot = process.env.PANTAU_SITE_ROOT ?? path.join(repo, 'target', 'site');
// Made once by the main process; the workers (which load this file again) inherit it.
process.env.PANTAU_E2E_DATA ??= fs.mkdtempSync(path.join(os.tmpdir(), 'pantau-e2e-'));
const dataDir = process.env.PANTAU_E2E_DATA;
// The password of every test account (see serve.sh); tests sign in with it.
process.env.PANTAU_E2E_PASSWORD ??= 'uji-coba-playwright-2026';
// Where the server's printed output is kept (serve.sh), for the demo accounts' passwords.
process.env.PANTAU_E2E_SERVER_OUT = path.join(dataDir, 'serve.out');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PANTAU_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
  },
  projects: [
    // Signs in once as the account holding every role; the other tests start signed in.
    { name: 'sign-in', testMatch: /sign-in\.setup\.ts/, use: { browserName: 'chromium' } },
    {
      name: 'chromium',
      use: { browserName: 'chromium', storageState: path.join(__dirname, 'test-results', '.auth', 'semua.json') },
      dependencies: ['sign-in'],
    },
  ],
  webServer: {
    command: `bash "${path.join(__dirname, 'serve.sh')}" "${bin}" ${port} "${dataDir}" "${siteRoot}"`,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
