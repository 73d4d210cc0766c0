/// <reference types="vitest/config" />
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig, type Plugin } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const root = import.meta.dirname

/** Every JS and CSS file the field page can load (its entry, static and lazy imports, their CSS),
 * collected from the bundle so the service worker precaches exactly these, whatever the admin
 * console's chunks are called. scripts/size-budget.mjs walks the same graph in the manifest. */
const fieldFiles = new Set<string>()
function fieldClosure(): Plugin {
  return {
    name: 'lianhu-field-closure',
    generateBundle(_options, bundle) {
      fieldFiles.clear()
      const visit = (file: string) => {
        const chunk = bundle[file]
        if (!chunk || fieldFiles.has(file)) return
        fieldFiles.add(file)
        if (chunk.type !== 'chunk') return
        chunk.viteMetadata?.importedCss.forEach((css) => fieldFiles.add(css))
        ;[...chunk.imports, ...chunk.dynamicImports].forEach(visit)
      }
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry && chunk.name === 'field') visit(chunk.fileName)
      }
    },
  }
}

/** Swagger UI's own files from npm's swagger-ui-dist, as dist/docs/…: FastAPI's /docs page loads
 * them from this server (api/frontend.py), so the interactive docs open on an intranet too. */
function swaggerUi(): Plugin {
  return {
    name: 'lianhu-swagger-ui',
    apply: 'build',
    generateBundle() {
      const dir = resolve(root, 'node_modules', 'swagger-ui-dist')
      for (const name of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
        this.emitFile({ type: 'asset', fileName: `docs/${name}`, source: readFileSync(resolve(dir, name)) })
      }
    },
  }
}

// One project, two pages. FastAPI serves dist/ under /app/ (the field app, index.html) and answers
// /admin/… with admin.html, whose assets are also fetched from /app/assets/. The service worker
// lives at /app/sw.js, so its scope is /app/ and it never controls the admin console.
export default defineConfig({
  base: '/app/',
  plugins: [
    vue(),
    fieldClosure(),
    swaggerUi(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false, // registered from src/field/main.ts only, never from admin.html
      manifest: {
        name: '联户 · 党员联系户',
        short_name: '联户',
        lang: 'zh-CN',
        start_url: '/app/',
        scope: '/app/',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#c8161d',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        // Take over the open page at once: a member who opens the app once can go offline next.
        clientsClaim: true,
        skipWaiting: true,
        // The field app only: the admin page and its chunks stay out of the precache.
        globPatterns: ['**/*.{js,css,html}'],
        globIgnores: ['admin.html', 'docs/**'],
        manifestTransforms: [
          async (entries) => ({
            manifest: entries.filter((e) => !/\.(js|css)$/.test(e.url) || fieldFiles.has(e.url)),
            warnings: [],
          }),
        ],
        navigateFallback: '/app/index.html',
        navigateFallbackDenylist: [/^\/admin/, /^\/api\//],
      },
    }),
  ],
  build: {
    manifest: true, // scripts/size-budget.mjs follows it from index.html
    rollupOptions: {
      input: { field: resolve(root, 'index.html'), admin: resolve(root, 'admin.html') },
    },
  },
  test: {
    environment: 'happy-dom',
    setupFiles: ['fake-indexeddb/auto'],
    include: ['tests/**/*.test.ts'],
    // Vant's per-component style modules import CSS, which node cannot: run them through Vite
    // (where CSS is an empty module in tests) rather than mock each one in every test file.
    server: { deps: { inline: [/vant/] } },
  },
})
