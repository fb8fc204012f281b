// Jest transform for the ESM-only packages the tests load (jose, commander). Jest runs the tests as
// CommonJS and, on Node 22, cannot require() an ES module itself (it can from Node 24.9), while the
// app and the CLIs, run by plain Node 22, do. esbuild rewrites the module to CommonJS; nothing else changes.
const { transformSync } = require('esbuild');

/** @type {import('@jest/transform').SyncTransformer} */
module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      format: 'cjs',
      target: 'node22',
      sourcefile: sourcePath,
      sourcemap: 'external',
    });
    return { code, map };
  },
};
