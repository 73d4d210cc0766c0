import './vant-styles'
import { createApp, watch } from 'vue'
import { registerSW } from 'virtual:pwa-register'
import App from './App.vue'
import { router } from './router'
import { state } from './store'

performance.mark('lianhu:main')
createApp(App).use(router).mount('#app')
performance.mark('lianhu:mounted')
void router.isReady().then(() => performance.mark('lianhu:router-ready'))
// The service worker's install downloads the whole app again (its precache); start it once the
// list is on screen (or after 3 s), so it does not compete with the first data on a slow link.
let registered = false
function register() {
  if (registered) return
  registered = true
  registerSW({ immediate: true })
}
watch(
  () => state.loaded,
  (loaded) => loaded && setTimeout(register, 300),
  { immediate: true },
)
setTimeout(register, 3000)
