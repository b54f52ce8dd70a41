import { test as setup } from '@playwright/test';
import { signIn, SIGNED_IN } from './fixtures';

// The other tests start signed in as the account that holds every role.
setup('sign in as the tester holding every role', async ({ page }) => {
  await signIn(page, 'e2e.semua');
  await page.context().storageState({ path: SIGNED_IN });
});
