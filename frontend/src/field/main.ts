import './vant-styles'
import { createApp } from 'vue'
import { registerSW } from 'virtual:pwa-register'
import App from './App.vue'
import { router } from './router'

performance.mark('lianhu:main')
createApp(App).use(router).mount('#app')
performance.mark('lianhu:mounted')
registerSW({ immediate: true })
