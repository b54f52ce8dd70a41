import base from './playwright.config';
import { defineConfig } from '@playwright/test';

// The board benchmark (prints figures, asserts nothing): `bash .ci/bench board` after a release build.
export default defineConfig({
  ...base,
  testDir: './bench',
  timeout: 600_000,
  projects: [
    { name: 'sign-in', testDir: './tests', testMatch: /sign-in\.setup\.ts/, use: { browserName: 'chromium' } },
    { ...base.projects![1], testDir: './bench', testMatch: /.*\.bench\.ts/ },
  ],
});
