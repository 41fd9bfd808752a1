import { describe, expect, it } from 'vitest';
import { findChromium, launchChromium, packagedChromium } from './chromium.js';

describe('the test browser', () => {
  it('is found on this machine', async () => {
    const found = await findChromium();
    expect(found.executablePath).not.toBe('');
  });

  // Where a system Chromium exists (as in CI) the browser tests use it; this keeps the packaged one, the
  // browser of a machine with only Node, working all the same.
  it('shipped in @sparticuz/chromium, renders a page with its own libraries and fonts', async () => {
    const browser = await launchChromium(await packagedChromium());
    try {
      const tab = await browser.newPage();
      await tab.setContent('<svg width="400" height="100"><text x="10" y="50" font-size="20">reward 0.81</text></svg>');
      const box = await tab.locator('text').boundingBox();
      // Text with no usable font lays out at zero width.
      expect(box!.width).toBeGreaterThan(50);
      expect((await tab.screenshot()).length).toBeGreaterThan(1000);
    } finally {
      await browser.close();
    }
  });
});
