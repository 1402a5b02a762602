// The issue's acceptance: a learner runs the notes' example pod and watches
// it land on a worker node and start.
import { test, assert } from './harness.mjs';

test('kubectl run whoami: pod appears on a worker and becomes Running', async (t) => {
  const pg = await t.open();
  const { page } = pg;
  const at = await pg.run('kubectl run whoami --image subicura/whoami:1');
  await pg.waitForLine('pod/whoami created', { after: at });

  // Drawn inside the worker node the scheduler chose, never the tainted
  // control plane.
  const pod = page.locator('svg#physical-view g.node g.pod[data-pod="whoami"]');
  await pod.waitFor({ state: 'attached', timeout: 10_000 });
  const node = await pod.evaluate((el) => el.closest('g.node')?.getAttribute('data-node'));
  assert(node === 'node01' || node === 'node02', `whoami is drawn inside ${node}, expected node01 or node02`);
  const first = await pod.getAttribute('data-status');
  assert(['Pending', 'ContainerCreating', 'Running'].includes(first), `unexpected first status ${first}`);

  await pg.waitForPodStatus('whoami', 'Running');

  const at2 = await pg.run('kubectl get pods');
  await pg.waitForLine(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/, { after: at2 });
  await pg.waitForLine(/^whoami\s+1\/1\s+Running\s+0\s+\d+s$/, { after: at2 });
});
