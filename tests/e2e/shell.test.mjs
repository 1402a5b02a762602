// The shell in the page: here-documents typed line by line behind the `> `
// prompt, pasted scripts, history that survives a reload with Ctrl+R, and watch
// stopped by Ctrl+C.
import { test, assert, assertEqual } from './harness.mjs';

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
