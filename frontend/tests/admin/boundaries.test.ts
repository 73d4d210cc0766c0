// @vitest-environment node
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

// The console's pages and panels never call the API client themselves (eslint.config.js): a page
// that did is refused by `npm run lint`, so the rule holds as pages are added.
const root = join(import.meta.dirname, '..', '..')
const eslint = new ESLint({ cwd: root })

async function refusals(code: string, file: string): Promise<string[]> {
  const [out] = await eslint.lintText(code, { filePath: join(root, file) })
  return out.messages.filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.ruleId!)
}

const page = (script: string) =>
  `<script setup lang="ts">\n${script}\n</script>\n\n<template>\n  <div />\n</template>\n`
const calling = page("import { api } from '../../shared/session'\n\nvoid api.GET('/api/v1/schemes')")

describe('the admin console calls the API through its features only', () => {
  it('refuses a page that imports the client and calls it', async () => {
    expect(await refusals(calling, 'src/admin/views/ProbeView.vue')).toEqual([
      'no-restricted-imports',
      'no-restricted-syntax',
    ])
  }, 30_000)

  it('refuses a panel too, and a client of its own', async () => {
    expect(await refusals(calling, 'src/admin/components/ProbePanel.vue')).toHaveLength(2)
    const own = page("import { makeClient } from '../../api'\n\nvoid makeClient")
    expect(await refusals(own, 'src/admin/views/ProbeView.vue')).toEqual(['no-restricted-imports'])
  }, 30_000)

  it('lets a feature module call it', async () => {
    const feature =
      "import { api } from '../../shared/session'\n\nexport const schemes = () => api.GET('/api/v1/schemes')\n"
    expect(await refusals(feature, 'src/admin/features/probe.ts')).toEqual([])
  }, 30_000)
})
