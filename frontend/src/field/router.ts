import { createRouter, createWebHistory } from 'vue-router'
import { tokens } from '../shared/session'

export const router = createRouter({
  history: createWebHistory('/app/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
    { path: '/', name: 'home', component: () => import('./views/HomeView.vue') },
  ],
})

router.beforeEach((to) => {
  if (to.name !== 'login' && !tokens.get()) return { name: 'login', query: { next: to.fullPath } }
  return true
})
