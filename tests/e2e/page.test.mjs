// The page itself: it loads from a sub-path cleanly, draws the default
// cluster, and lays its panels out for wide and narrow screens.
import { test, assert, assertEqual, WIDE, NARROW } from './harness.mjs';

test('page loads under /kubeplay/ cleanly and draws the default cluster', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  assert(new URL(page.url()).pathname === '/kubeplay/', `page is at ${page.url()}, expected the /kubeplay/ sub-path`);

  // Every node of the default cluster, with its role.
  await page.waitForSelector('svg#physical-view g.node[data-node="node02"]', { state: 'attached', timeout: 10_000 });
  const nodes = await page.$$eval('svg#physical-view g.node', (els) =>
    els.map((e) => ({ name: e.getAttribute('data-node'), role: e.getAttribute('data-role') })));
  assertEqual(JSON.stringify(nodes.map((n) => n.name).sort()), JSON.stringify(['controlplane', 'node01', 'node02']), 'nodes drawn');
  const role = Object.fromEntries(nodes.map((n) => [n.name, n.role]));
  assertEqual(role.controlplane, 'control-plane', 'role of controlplane');
  assertEqual(role.node01, 'worker', 'role of node01');
  assertEqual(role.node02, 'worker', 'role of node02');

  // kubeadm's static pods sit on the control-plane node.
  const etcd = page.locator('svg#physical-view g.node[data-node="controlplane"] g.pod[data-namespace="kube-system"][data-pod^="etcd-"]');
  await etcd.first().waitFor({ state: 'attached', timeout: 10_000 });
  const kubeSystem = await page.locator('svg#physical-view g.pod[data-namespace="kube-system"]').count();
  assert(kubeSystem >= 6, `expected the kube-system pods (etcd, apiserver, controller-manager, scheduler, coredns x2, kube-proxy x3, CNI), found ${kubeSystem}`);

  // Nothing went wrong while loading: no exception, no console error, no
  // request that failed or answered an error (a missing sub-path prefix shows
  // up here as a 404).
  assert(pg.problems.length === 0, `the page had ${pg.problems.length} problem(s) while loading (listed below)`);
});

async function panelBoxes(page) {
  const get = async (sel) => {
    const box = await page.locator(sel).boundingBox();
    assert(box, `${sel} is not visible`);
    return box;
  };
  await page.locator('main#playground').waitFor({ state: 'visible' });
  return { console: await get('main#playground section#console-panel'), cluster: await get('main#playground section#cluster-panel') };
}

test('layout: side by side when wide, stacked when narrow', async (t) => {
  const wide = await t.open({ viewport: WIDE });
  {
    const { console: c, cluster: k } = await panelBoxes(wide.page);
    assert(c.x + c.width <= k.x + 1, `wide: console panel (x ${c.x}..${c.x + c.width}) should be left of the cluster panel (x ${k.x})`);
    // Side by side means they share the same band of the screen.
    assert(c.y < k.y + k.height && k.y < c.y + c.height, `wide: panels do not overlap vertically (console y ${c.y}+${c.height}, cluster y ${k.y}+${k.height})`);
  }

  const narrow = await t.open({ viewport: NARROW });
  {
    const { console: c, cluster: k } = await panelBoxes(narrow.page);
    assert(c.y + c.height <= k.y + 1, `narrow: console panel (y ${c.y}..${c.y + c.height}) should be above the cluster panel (y ${k.y})`);
    for (const [name, b] of [['console', c], ['cluster', k]]) {
      assert(b.width >= NARROW.width * 0.8, `narrow: ${name} panel is ${b.width}px wide, expected about the full ${NARROW.width}px`);
    }
    const scrollWidth = await narrow.page.evaluate(() => document.documentElement.scrollWidth);
    assert(scrollWidth <= NARROW.width, `narrow: page scrolls sideways (scrollWidth ${scrollWidth} > ${NARROW.width})`);
  }
});
