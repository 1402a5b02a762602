// The shell in the page: here-documents typed line by line behind the `> `
// prompt, pasted scripts, history that survives a reload with Ctrl+R, watch
// stopped by Ctrl+C, Tab completion, and a container shell (exec -it).
import { test, assert, assertEqual, PROMPT } from './harness.mjs';

const PROMPT_LINE = (typed) => PROMPT + typed;

test('a here-document typed line by line shows > and runs once complete', async (t) => {
  const pg = await t.open();
  const at = await pg.run('cat <<EOF | wc -l');
  assertEqual(await pg.page.textContent('.ps1'), '>', 'continuation prompt');
  for (const line of ['apiVersion: v1', 'kind: Namespace', 'EOF']) {
    await pg.input.pressSequentially(line);
    await pg.input.press('Enter');
  }
  await pg.waitForLine('> EOF', { after: at });
  await pg.waitForLine('2', { after: at });
  assertEqual(await pg.page.textContent('.ps1'), 'controlplane:~$', 'prompt back');
});

test('pasting several lines runs them in order', async (t) => {
  const pg = await t.open();
  const before = (await pg.lines()).length;
  await pg.input.click();
  await pg.page.evaluate(() => {
    const input = document.querySelector('input#console-input');
    const data = new DataTransfer();
    data.setData('text', 'echo one > f.txt\necho two >> f.txt\ncat f.txt | wc -l\n');
    input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await pg.waitForLine('controlplane:~$ cat f.txt | wc -l', { after: before - 1 });
  await pg.waitForLine('2', { after: before - 1 });
});

test('history survives a reload; Up and Ctrl+R find it', async (t) => {
  const pg = await t.open();
  await pg.run('echo remembered-command');
  await pg.goto();
  await pg.input.click();
  await pg.input.press('ArrowUp');
  assertEqual(await pg.input.inputValue(), 'echo remembered-command', 'Up after reload');
  await pg.input.press('Escape');
  await pg.input.fill('');
  await pg.input.press('Control+r');
  await pg.input.pressSequentially('membered');
  const label = await pg.page.textContent('.ps1');
  assert(label.startsWith('(reverse-i-search)`membered'), `search label: ${label}`);
  assertEqual(await pg.input.inputValue(), 'echo remembered-command', 'Ctrl+R match');
});

test('watch redraws until Ctrl+C', async (t) => {
  const pg = await t.open();
  const at = await pg.run('watch -n 1 kubectl get nodes');
  await pg.waitForLine(/^Every 1\.0s: kubectl get nodes +controlplane: /, { after: at });
  await pg.waitForLine(/^node01 +Ready/, { after: at });
  await pg.input.press('Control+c');
  await pg.waitForLine('^C', { after: at });
  const next = await pg.run('echo done');
  await pg.waitForLine('done', { after: next });
});

test('a watch piped into grep prints matching rows as they happen; Ctrl+C ends the pipeline', async (t) => {
  const pg = await t.open();
  await pg.run('kubectl run streamed --image=nginx:1.27');
  const w = await pg.run('kubectl get pods -w | grep Running');
  // The pod is still being created when the watch starts: its Running row comes
  // through grep later, the Pending/ContainerCreating rows never.
  await pg.waitForLine(/^streamed +1\/1 +Running/, { after: w, timeout: 30_000 });
  const shown = (await pg.lines()).slice(w + 1).map((l) => l.text ?? l);
  assert(!shown.some((l) => /ContainerCreating|Pending|NAME/.test(l)), `only Running rows pass: ${shown.join(' | ')}`);
  assertEqual(await pg.page.textContent('.ps1'), '', 'the pipeline is still running');
  await pg.input.press('Control+c');
  await pg.waitForLine('^C', { after: w });
  const next = await pg.run('echo done');
  await pg.waitForLine('done', { after: next });
});

test('Tab completes kubectl verbs, resource types and names; a second Tab lists', async (t) => {
  const pg = await t.open();
  await pg.input.click();
  await pg.input.pressSequentially('kubectl ge');
  await pg.input.press('Tab');
  assertEqual(await pg.input.inputValue(), 'kubectl get ', 'single verb completed with a space');
  await pg.input.pressSequentially('nam');
  await pg.input.press('Tab');
  assertEqual(await pg.input.inputValue(), 'kubectl get namespaces ', 'resource type completed');
  await pg.input.pressSequentially('kube-p');
  await pg.input.press('Tab');
  assertEqual(await pg.input.inputValue(), 'kubectl get namespaces kube-public ', 'object name completed');
  await pg.input.fill('kubectl de');
  await pg.input.press('End');
  const before = (await pg.lines()).length;
  await pg.input.press('Tab');
  assertEqual(await pg.input.inputValue(), 'kubectl de', 'ambiguous: nothing inserted');
  await pg.input.press('Tab');
  await pg.waitForLine(PROMPT_LINE('kubectl de'), { after: before - 1 });
  await pg.waitForLine(/^describe +\(Show details of a specific resource or group of resources\)$/, { after: before - 1 });
  assertEqual(await pg.input.inputValue(), 'kubectl de', 'line kept after the list');
});

test('kubectl exec -it gives the container shell its prompt until exit', async (t) => {
  const pg = await t.open();
  await pg.run('kubectl run box --image=busybox -- sleep 3600');
  const w = await pg.run('kubectl wait --for=condition=Ready pod/box --timeout=60s');
  await pg.waitForLine('pod/box condition met', { after: w, timeout: 30_000 });
  await pg.run('kubectl exec -it box -- sh');
  await pg.page.waitForFunction(() => document.querySelector('.ps1')?.textContent === '/ #');
  const before = (await pg.lines()).length;
  await pg.input.pressSequentially('hostname');
  await pg.input.press('Enter');
  await pg.waitForLine('/ # hostname', { after: before - 1 });
  await pg.waitForLine('box', { after: before - 1 });
  await pg.input.pressSequentially('curl web');
  await pg.input.press('Enter');
  await pg.waitForLine('sh: curl: not found', { after: before - 1, stderr: true });
  await pg.input.pressSequentially('exit');
  await pg.input.press('Enter');
  await pg.waitForLine('command terminated with exit code 127', { after: before - 1, stderr: true });
  await pg.page.waitForFunction(() => document.querySelector('.ps1')?.textContent === 'controlplane:~$');
});

test('port-forward: the preview panel shows the forwarded port\'s page in a sandboxed frame', async (t) => {
  const pg = await t.open();
  await pg.run('kubectl run web --image=nginx:1.27');
  const w = await pg.run('kubectl wait --for=condition=Ready pod/web --timeout=60s');
  await pg.waitForLine('pod/web condition met', { after: w, timeout: 30_000 });
  assertEqual(await pg.page.$('#preview-panel'), null, 'no panel while nothing is forwarded');
  const at = await pg.run('kubectl port-forward pod/web 8080:80');
  await pg.waitForLine('Forwarding from 127.0.0.1:8080 -> 80', { after: at });
  const open = pg.page.locator('#preview-panel button.preview-open[data-port="8080"]');
  assertEqual((await open.textContent()).trim(), 'http://localhost:8080', 'the forwarded port is offered');
  await open.click();
  const frame = pg.page.locator('#preview-panel iframe.preview-frame');
  await frame.waitFor({ timeout: 10_000 });
  assertEqual(await frame.getAttribute('sandbox'), '', 'sandboxed: no scripts, no same-origin');
  const srcdoc = await frame.getAttribute('srcdoc');
  assert(srcdoc.includes('<title>Welcome to nginx!</title>'), 'nginx\'s page is the frame\'s document');
  const status = (await pg.page.textContent('#preview-panel .preview-status')).replace(/\s+/g, ' ').trim();
  assertEqual(status, 'http://localhost:8080/ 200 OK', 'status line');
  const inner = pg.page.frameLocator('#preview-panel iframe.preview-frame');
  assertEqual((await inner.locator('h1').textContent()).trim(), 'Welcome to nginx!', 'the frame renders the page');
  // The request went through the model: kubectl prints it, the pod logged it.
  await pg.waitForLine('Handling connection for 8080', { after: at });
  await pg.screenshot('port-forward-preview.png');
  await pg.input.press('Control+c');
  await pg.waitForLine('^C', { after: at });
  await pg.page.waitForFunction(() => !document.querySelector('#preview-panel'));
  const logs = await pg.run('kubectl logs web --tail=1');
  await pg.waitForLine(/"GET \/ HTTP\/1\.1" 200 615 "-" "Mozilla\/5\.0 \(kubeplay preview\)"/, { after: logs });
});
