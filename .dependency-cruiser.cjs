// The architecture, checked in `npm test` (npm run lint:deps). See CONTRIBUTING.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'common-knows-no-feature',
      comment: 'src/common and src/config are the mechanism; a feature registers with them, never the other way.',
      severity: 'error',
      from: { path: '^src/(common|config)/' },
      to: { path: '^src/', pathNot: '^src/(common|config)/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders depend on each other one way only (take an id, not the other feature’s entity).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'controllers-use-services',
      comment: 'A controller speaks HTTP and calls a service; SQL stays behind the service.',
      severity: 'error',
      from: { path: '\\.controller\\.ts$' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'ui-is-a-client',
      comment: 'ui/ is a client of the public API; it imports nothing of the server (labels come from /labels.js).',
      severity: 'error',
      from: { path: '^ui/' },
      to: { path: '^(src|test|bench)/' },
    },
    {
      name: 'src-not-to-tests',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(test|bench)/|\\.spec\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
