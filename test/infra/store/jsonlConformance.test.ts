import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_FILE, openJsonlStore } from '../../../src/infra/store/jsonlEventStore.js';
import { tempDir } from '../../support/fixtures.js';
import { storeConformance } from './storeConformance.js';

storeConformance('JSONL', {
  async create(options = {}) {
    const dir = tempDir();
    return {
      store: openJsonlStore(dir, options),
      open: () => openJsonlStore(dir, options),
      async tamper(seq, edit) {
        const file = join(dir, LOG_FILE);
        const lines = readFileSync(file, 'utf8').split('\n');
        lines[seq - 1] = edit(lines[seq - 1]!);
        writeFileSync(file, lines.join('\n'));
      },
    };
  },
});
