import { test, expect, ACCOUNTS, PASSWORD, hydrated } from './fixtures';

// The login form before (or without) JavaScript is a plain form POST; after signing in the browser
// goes only to a page of this site, whatever `lanjut` says.

test('the login form works without JavaScript and never puts the password in a URL', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const urls: string[] = [];
  const posts: string[] = [];
  page.on('request', (req) => {
    urls.push(req.url());
    if (req.method() === 'POST') posts.push(new URL(req.url()).pathname);
  });

  // A wrong password: back on the login page, told why, in Bahasa Indonesia.
  await page.goto('/masuk?lanjut=/kamera');
  await page.getByLabel('Nama pengguna').fill(ACCOUNTS.tu);
  await page.getByLabel('Kata sandi').fill('bukan-kata-sandinya');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => url.pathname === '/masuk' && url.searchParams.get('gagal') === 'salah');
  await expect(page.getByRole('alert')).toHaveText('Nama pengguna atau kata sandi salah');

  // The right one: signed in, and on to the page it came for.
  await page.getByLabel('Nama pengguna').fill(ACCOUNTS.tu);
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.waitForURL((url) => url.pathname === '/kamera');
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);

  expect(posts).toEqual(['/api/auth/login', '/api/auth/login']);
  for (const url of urls) {
    expect(url, 'no credential in any URL').not.toContain(PASSWORD);
    expect(url).not.toContain('bukan-kata-sandinya');
    expect(url).not.toContain('password');
  }
  const cookies = await context.cookies();
  expect(cookies.map((c) => c.name)).toContain('pantau_session');
  await context.close();
});

// The forms of `lanjut` that once sent the browser off site, as they stand in the address.
const OFF_SITE = ['/\\evil.example', '/%5Cevil.example', '/%09/evil.example', '/%0A/evil.example', '/\\/evil.example', '/%5C/evil.example', '//evil.example', 'https://evil.example/'];

test('after signing in the browser never leaves the site, whatever the next page says', async ({ browser, baseURL }) => {
  // 16 sign-ins, each a fresh browser (the page, then the password's Argon2 check): 2.2–2.8 s each
  // on this machine kind, past the suite's default 30 s in all.
  test.setTimeout(90_000);
  const origin = new URL(baseURL!).origin;
  for (const javaScriptEnabled of [true, false]) {
    for (const next of OFF_SITE) {
      const context = await browser.newContext({ javaScriptEnabled, storageState: { cookies: [], origins: [] } });
      const page = await context.newPage();
      const offSite: string[] = [];
      page.on('request', (req) => {
        if (new URL(req.url()).origin !== origin) offSite.push(req.url());
      });
      await page.goto(`/masuk?lanjut=${next}`);
      if (javaScriptEnabled) await hydrated(page);
      await page.getByLabel('Nama pengguna').fill(ACCOUNTS.tu);
      await page.getByLabel('Kata sandi').fill(PASSWORD);
      await page.getByRole('button', { name: 'Masuk' }).click();
      await page.waitForURL((url) => url.pathname !== '/masuk');
      expect(new URL(page.url()).origin, `${next} (JavaScript ${javaScriptEnabled})`).toBe(origin);
      expect(new URL(page.url()).pathname, next).toBe('/');
      expect(offSite, next).toEqual([]);
      await context.close();
    }
  }
});
