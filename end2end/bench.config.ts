import base from './playwright.config';
import { defineConfig } from '@playwright/test';

// The board benchmark (prints figures, asserts nothing): `bash .ci/bench board` after a release build.
export default defineConfig({
  ...base,
  testDir: './bench',
  timeout: 600_000,
  // No Playwright trace: its DOM snapshots before and after every action (60 ms each on the
  // 2,000-card board) run on the page's main thread, and were measured as the app's time.
  use: { ...base.use, trace: 'off' },
  projects: [
    { name: 'sign-in', testDir: './tests', testMatch: /sign-in\.setup\.ts/, use: { browserName: 'chromium' } },
    { ...base.projects![1], testDir: './bench', testMatch: /.*\.bench\.ts/ },
  ],
});
