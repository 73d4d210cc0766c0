// The field app's first-load budget: every JS and CSS file reachable from index.html (static and
// lazy imports, i.e. what the service worker precaches on the first visit), gzipped.
// Usage: node scripts/size-budget.mjs [--json]   (after `vite build`; exits 1 over budget)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 250
const dist = join(import.meta.dirname, '..', 'dist')
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'))

const files = new Set()
const seen = new Set()
function visit(key) {
  if (seen.has(key)) return
  seen.add(key)
  const chunk = manifest[key]
  files.add(chunk.file)
  for (const css of chunk.css ?? []) files.add(css)
  for (const dep of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(dep)
}
visit('index.html')

let raw = 0
let gz = 0
for (const file of files) {
  if (!/\.(js|css)$/.test(file)) continue
  const bytes = readFileSync(join(dist, file))
  raw += bytes.length
  gz += gzipSync(bytes, { level: 9 }).length
}
const kb = gz / 1024
const ok = kb < BUDGET_KB
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ files: files.size, raw_bytes: raw, gzip_bytes: gz, budget_kb: BUDGET_KB, ok }))
} else {
  console.log(
    `field first load: ${files.size} files, ${(raw / 1024).toFixed(1)} KB raw, ` +
      `${kb.toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB) ${ok ? 'ok' : 'OVER BUDGET'}`,
  )
}
process.exit(ok ? 0 : 1)
