export * from './arch/index.js';
export * from './catalog/index.js';
export * from './errors.js';
export * from './mechanisms/index.js';
export * from './memory/index.js';
export * from './lecture/index.js';
export * from './pricing/index.js';
export * from './forecast/index.js';
