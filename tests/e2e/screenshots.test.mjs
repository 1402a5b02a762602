// Screenshots of the main view for people to look at: wide and narrow, light
// and dark, with the notes' example pod running. Saved in target/screenshots/.
import { test, assert, WIDE, NARROW } from './harness.mjs';

for (const [layout, viewport] of [['wide', WIDE], ['narrow', NARROW]]) {
  test(`screenshots: ${layout} light and dark`, async (t) => {
    const background = {};
    for (const colorScheme of ['light', 'dark']) {
      const pg = await t.open({ viewport, colorScheme });
      await pg.page.emulateMedia({ colorScheme });
      const at = await pg.run('kubectl run whoami --image subicura/whoami:1');
      await pg.waitForLine('pod/whoami created', { after: at });
      await pg.waitForPodStatus('whoami', 'Running');
      await pg.screenshot(`${layout}-${colorScheme}.png`);
      background[colorScheme] = await pg.page.evaluate(() => {
        // The colour a person sees behind the playground: the first
        // non-transparent background from <main> outwards.
        for (let el = document.querySelector('main#playground'); el; el = el.parentElement) {
          const c = getComputedStyle(el).backgroundColor;
          if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
        }
        return 'rgba(0, 0, 0, 0)';
      });
    }
    assert(background.light !== background.dark, `light and dark themes have the same background (${background.light})`);
  });
}
