import { test, expect } from './fixtures';

const ASSETS = ['/pkg/pantau.wasm', '/pkg/pantau.js', '/pkg/pantau.css'];

for (const asset of ASSETS) {
  test(`${asset} is served precompressed with brotli and gzip`, async ({ request }) => {
    const plain = await request.get(asset, { headers: { 'Accept-Encoding': 'identity' } });
    expect(plain.status()).toBe(200);
    expect(plain.headers()['content-encoding']).toBeUndefined();
    const size = (await plain.body()).length;

    for (const encoding of ['br', 'gzip']) {
      // Playwright's request client would decode the body; ask for the raw bytes' headers only.
      const res = await request.fetch(asset, { headers: { 'Accept-Encoding': encoding }, maxRedirects: 0 });
      expect(res.status()).toBe(200);
      expect(res.headers()['content-encoding']).toBe(encoding);
      expect(Number(res.headers()['content-length'] ?? size)).toBeLessThan(size);
    }
  });
}

test('the wasm bundle is served with the WebAssembly content type', async ({ request }) => {
  const res = await request.get('/pkg/pantau.wasm', { headers: { 'Accept-Encoding': 'br' } });
  expect(res.headers()['content-type']).toBe('application/wasm');
});

test('pages and the bundle name the same build, which the service worker then serves from its cache', async ({ page, request }) => {
  const build = (await request.get('/')).headers()['x-pantau-build'];
  expect(build).toMatch(/^[0-9a-f]{16}$/);
  for (const asset of ['/wall', ...ASSETS]) {
    expect((await request.get(asset)).headers()['x-pantau-build'], asset).toBe(build);
  }
  expect((await request.get('/api/board')).headers()['x-pantau-build']).toBeUndefined();

  // Once the worker controls the page, the next load takes the bundle from its cache.
  await page.goto('/');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
  const fromWorker: string[] = [];
  page.on('response', (r) => { if (r.url().includes('/pkg/') && r.fromServiceWorker()) fromWorker.push(new URL(r.url()).pathname); });
  const network: string[] = [];
  page.context().on('request', (r) => { if (r.url().includes('/pkg/') && r.serviceWorker()) network.push(new URL(r.url()).pathname); });
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  expect(fromWorker).toEqual(expect.arrayContaining(['/pkg/pantau.js', '/pkg/pantau.wasm']));
  expect(network, 'the worker fetched nothing from the network for pkg/').toEqual([]);
});
