// Takes the writer's lock on a log file (the module that memabra's store uses) and holds it until the
// process is killed.
import { openSync } from 'node:fs';

const [lockModule, file] = process.argv.slice(2);
const { lockExclusive } = await import(lockModule);
const fd = openSync(file, 'r+');
await lockExclusive(fd, file, 0);
process.stdout.write('locked\n');
setInterval(() => {}, 1 << 30);
