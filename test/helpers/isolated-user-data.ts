// Loaded by `npm test` (node --import) before every test file: checks record their history by default,
// so the suite gets its own per-user data folder instead of the tester's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.SFB_USER_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'sfb-test-user-data-'));
