import { createRouter, createWebHistory } from 'vue-router'
import { tokens } from '../shared/session'
import HouseholdsView from './views/HouseholdsView.vue'
import TabsLayout from './views/TabsLayout.vue'

export const router = createRouter({
  history: createWebHistory('/app/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
    {
      path: '/',
      component: TabsLayout,
      children: [
        { path: '', name: 'households', component: HouseholdsView },
        { path: 'tasks', name: 'tasks', component: () => import('./views/TasksView.vue') },
        { path: 'issues', name: 'issues', component: () => import('./views/MyIssuesView.vue') },
        { path: 'meeting-tasks', name: 'meeting-tasks', component: () => import('./views/MeetingTasksView.vue') },
        { path: 'outbox', name: 'outbox', component: () => import('./views/OutboxView.vue') },
        { path: 'me', name: 'me', component: () => import('./views/MeView.vue') },
      ],
    },
    {
      path: '/households/:id',
      name: 'household',
      component: () => import('./views/HouseholdView.vue'),
      props: (r) => ({ id: Number(r.params.id) }),
    },
    {
      path: '/households/:id/event',
      name: 'report-event',
      component: () => import('./views/EventReportView.vue'),
      props: (r) => ({ id: Number(r.params.id) }),
    },
    {
      path: '/households/:id/visit',
      name: 'visit',
      component: () => import('./views/VisitFormView.vue'),
      props: (r) => ({
        id: Number(r.params.id),
        retry: typeof r.query.retry === 'string' ? r.query.retry : undefined,
        event: typeof r.query.event === 'string' ? Number(r.query.event) : undefined,
        edit: typeof r.query.edit === 'string' ? Number(r.query.edit) : undefined,
        amend: r.query.amend === '1',
      }),
    },
    {
      path: '/issues/new',
      name: 'raise-issue',
      component: () => import('./views/IssueRaiseView.vue'),
      props: (r) => ({ household: typeof r.query.household === 'string' ? Number(r.query.household) : undefined }),
    },
    {
      path: '/issues/:id(\\d+)',
      name: 'issue',
      component: () => import('./views/IssueDetailView.vue'),
      props: (r) => ({ id: Number(r.params.id) }),
    },
    { path: '/service-orders', name: 'service-orders', component: () => import('./views/ServiceOrdersView.vue') },
    {
      path: '/service-orders/:id(\\d+)',
      name: 'service-order',
      component: () => import('./views/ServiceOrderView.vue'),
      props: (r) => ({ id: Number(r.params.id) }),
    },
    { path: '/me/password', name: 'password', component: () => import('./views/PasswordView.vue') },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => {
  if (to.name !== 'login' && !tokens.get()) return { name: 'login', query: { next: to.fullPath } }
  return true
})
