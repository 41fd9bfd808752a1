import { afterAll } from 'vitest';
import { removeTempDirs } from './fixtures.js';

// Each test file's temporary directories go when the file is done (fixtures.ts, tempDir).
afterAll(removeTempDirs);
