// Files an admin hands us are decoded by one function in the app, the browser page and the CLI:
// UTF-8 (with or without BOM) and UTF-16 LE/BE with BOM (Excel's "Unicode text", PowerShell 5's Out-File).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTextFile } from '../shared/formats/text-file.ts';
import { main } from '../cli/main.ts';

const LIST = 'Domain\tType\tPort\r\nfed.contoso.com\tFED\t5061\r\n';

function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return endian === 'le' ? le : le.swap16();
}

test('decodeTextFile: UTF-8 with and without BOM, UTF-16 LE and BE with BOM', () => {
  assert.equal(decodeTextFile(Buffer.from(LIST)), LIST);
  assert.equal(decodeTextFile(Buffer.from(`\uFEFF${LIST}`)), LIST);
  assert.equal(decodeTextFile(utf16(LIST, 'le')), LIST);
  assert.equal(decodeTextFile(utf16(LIST, 'be')), LIST);
  assert.equal(decodeTextFile(Buffer.from([0x61, 0xff, 0x62])), 'a\uFFFDb');
});

test('the CLI reads a UTF-16 list (Excel "Unicode text") like the app does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'utf16-'));
  for (const endian of ['le', 'be'] as const) {
    const file = join(dir, `list-${endian}.txt`);
    writeFileSync(file, utf16(LIST, endian));
    let err = '';
    // FED with a port is rejected before any network step: the message proves the rows were read.
    const code = await main(['check', '--import', file, '--offline', '--json'], () => {}, (t) => (err += t));
    assert.equal(code, 1);
    assert.match(err, new RegExp(`list-${endian}\\.txt:2: Cannot have both Port and Domain type`), err);
  }
});
