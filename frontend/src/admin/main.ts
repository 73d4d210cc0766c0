import 'element-plus/dist/index.css'
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { installUi } from './ui'
import './admin.css'

// The console never registers the field app's service worker (src/field/main.ts does, scope /app/).
const app = createApp(App)
installUi(app)
app.use(router).mount('#app')
