// Jest resolver: a relative `./module.js` that does not exist is the TypeScript source `./module.ts`, as
// tsc resolves it (the sources write `import('./module.js')`, the path Node loads in the build).
/** @type {(request: string, options: { defaultResolver: (request: string, options: object) => string }) => string} */
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    if (!/^\.\.?\//.test(request) || !request.endsWith('.js')) throw error;
    return options.defaultResolver(`${request.slice(0, -'.js'.length)}.ts`, options);
  }
};
