#!/usr/bin/env node
import { main } from '../dist/infra/cli/main.js';

await main(process.argv);
