// ESLint (flat config): Vue's recommended rules and typescript-eslint's, with the formatting
// rules left to Prettier (`npm run format:check`), so the two never disagree.
import pluginVue from 'eslint-plugin-vue'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'
import skipFormatting from '@vue/eslint-config-prettier/skip-formatting'

const CLIENT_IN_FEATURES =
  'Call the API through the feature module in src/admin/features/ (its functions and composables), not from a page or panel.'

export default defineConfigWithVueTs(
  { ignores: ['dist/**', 'dev-dist/**', 'node_modules/**', 'src/api/schema.d.ts'] },
  pluginVue.configs['flat/recommended'],
  vueTsConfigs.recommended,
  {
    rules: {
      // The code's convention for a parameter or a destructured key that is there to be left out:
      // a leading underscore (`(_req) => …`, `({ key: _key, ...rest })`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The admin console's pages and panels never call the API client themselves: each feature's
    // calls, and the loading and error state of what a page shows, live in src/admin/features/.
    files: ['src/admin/views/**', 'src/admin/components/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'openapi-fetch', message: CLIENT_IN_FEATURES }],
          patterns: [
            { group: ['**/shared/session'], importNames: ['api'], message: CLIENT_IN_FEATURES },
            { group: ['**/api', '**/api/client'], importNames: ['makeClient'], message: CLIENT_IN_FEATURES },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.object.name='api'][callee.property.name=/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/]",
          message: CLIENT_IN_FEATURES,
        },
      ],
    },
  },
  skipFormatting,
)
