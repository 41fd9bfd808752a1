// Takes the writer's flock on a log file and holds it until the process is killed.
import { openSync } from 'node:fs';
import { createRequire } from 'node:module';

const [fsExtPath, file] = process.argv.slice(2);
const fsExt = createRequire(import.meta.url)(fsExtPath);
const fd = openSync(file, 'r+');
fsExt.flockSync(fd, 'exnb');
process.stdout.write('locked\n');
setInterval(() => {}, 1 << 30);
