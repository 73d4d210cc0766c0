import 'element-plus/dist/index.css'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import './admin.css'

// Element Plus on demand: each page imports the components it uses, so the entry holds only the
// login page and the layout, and every page's widgets load with the page. The console never
// registers the field app's service worker (src/field/main.ts does, scope /app/).
createApp(App).use(router).mount('#app')
