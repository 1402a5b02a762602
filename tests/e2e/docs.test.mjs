// kubectl's documentation (help texts, explain's schemas) is not in the first
// load: the page fetches /kubeplay/kubectl-docs.txt when a command first needs
// it, and the command waits for it.
import { test, assert, assertEqual } from './harness.mjs';

const DOCS = /\/kubectl-docs\.txt$/;

/** Counts the page's requests for the documentation file. */
function docsRequests(pg) {
  const urls = [];
  pg.page.on('request', (r) => { if (DOCS.test(new URL(r.url()).pathname)) urls.push(new URL(r.url()).pathname); });
  return urls;
}

test('kubectl run --help and kubectl explain pod print the real texts, fetched once on demand', async (t) => {
  const pg = await t.open({ waitReady: false });
  const requested = docsRequests(pg);
  await pg.waitReady();
  // Typing a command that needs no documentation fetches nothing.
  let at = await pg.run('kubectl get ns default');
  await pg.waitForLine(/^default\s+Active\s+\S+$/, { after: at });
  assertEqual(requested.length, 0, 'documentation requests before a command needed them');

  at = await pg.run('kubectl run --help | head -3');
  await pg.waitForLine('Create and run a particular image in a pod.', { after: at });
  await pg.waitForLine('Examples:', { after: at });
  at = await pg.run('kubectl explain pod');
  await pg.waitForLine('KIND:       Pod', { after: at });
  await pg.waitForLine('    Pod is a collection of containers that can run on a host. This resource is', { after: at });
  await pg.waitForLine(/^  apiVersion\t?\s*<string>$/, { after: at });
  at = await pg.run('kubectl create deployment -h | grep -c replicas');
  await pg.waitForLine('4', { after: at });
  assertEqual(JSON.stringify(requested), JSON.stringify(['/kubeplay/kubectl-docs.txt']), 'documentation requests');
});

test('a failed documentation fetch prints why; the next command fetches again', async (t) => {
  const pg = await t.open();
  await pg.page.route(DOCS, (route) => route.fulfill({ status: 404, body: 'gone' }));
  let at = await pg.run('kubectl explain deployment.spec; echo "exit $?"');
  await pg.waitForLine("kubeplay: kubectl's documentation (help texts, explain) could not be loaded: kubectl-docs.txt: HTTP 404 Not Found", { after: at, stderr: true });
  await pg.waitForLine('exit 1', { after: at });
  await pg.page.unroute(DOCS);
  at = await pg.run('kubectl explain deployment.spec | head -3');
  await pg.waitForLine('GROUP:      apps', { after: at });
  await pg.waitForLine('KIND:       Deployment', { after: at });
  // The 404 was the point of this test, not a fault of the page.
  pg.problems = pg.problems.filter((p) => !p.text.includes('kubectl-docs.txt') && !p.text.includes('404'));
  const left = pg.problems.map((p) => p.text);
  assert(left.length === 0, `other problems: ${left.join('; ')}`);
});
