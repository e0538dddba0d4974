#!/usr/bin/env node
/** The `faultline` executable (compiled to dist/src/cli/bin.js): run the command line, exit with its code. */
import { main } from './faultline.ts';

process.exitCode = await main(process.argv.slice(2));
