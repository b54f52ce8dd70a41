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
