#!/usr/bin/env node
// The weft command line runs from TypeScript sources through tsx, the same loader workers use.
require('tsx/cjs');
require('../apps/coordinator/src/main.ts');
