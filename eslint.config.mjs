import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Dependency direction: logging <- tensor <- layers <- distributed <- tools <- apps, and examples on
// the libs; logging sits at the bottom (every lib logs); data (datasets) sits beside distributed on
// tensor and layers; tools (the benchmarks) use every lib, and the app runs them (`weft bench`);
// test may use everything.
const depConstraints = [
  { sourceTag: 'scope:logging', onlyDependOnLibsWithTags: ['scope:logging'] },
  { sourceTag: 'scope:tensor', onlyDependOnLibsWithTags: ['scope:logging', 'scope:tensor'] },
  { sourceTag: 'scope:layers', onlyDependOnLibsWithTags: ['scope:logging', 'scope:tensor', 'scope:layers'] },
  { sourceTag: 'scope:data', onlyDependOnLibsWithTags: ['scope:logging', 'scope:tensor', 'scope:layers', 'scope:data'] },
  {
    sourceTag: 'scope:distributed',
    onlyDependOnLibsWithTags: ['scope:logging', 'scope:tensor', 'scope:layers', 'scope:distributed', 'scope:data'],
  },
  {
    sourceTag: 'type:tools',
    onlyDependOnLibsWithTags: ['scope:logging', 'scope:tensor', 'scope:layers', 'scope:distributed', 'scope:data', 'type:tools'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['scope:logging', 'scope:tensor', 'scope:layers', 'scope:distributed', 'scope:data', 'type:tools'],
  },
  { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
  { sourceTag: 'type:examples', onlyDependOnLibsWithTags: ['scope:logging', 'scope:tensor', 'scope:layers', 'scope:distributed', 'scope:data'] },
];

export default [
  { ignores: ['*.js', '**/node_modules/**', '**/dist/**', '**/.nx/**', 'bin/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      // A lib's public API is its src/index.ts: no deep imports across projects.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@weft/*/*'], message: 'Import the public API (@weft/<lib>), not a file inside it.' }] },
      ],
    },
  },
];
