#!/usr/bin/env node
// The `faultline` executable: registers tsx's loader (resolved next to this file, so it works
// from any directory), then runs the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
await import('./faultline.ts');
