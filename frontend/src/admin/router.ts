import { createRouter, createWebHistory } from 'vue-router'
import { onSessionExpired } from '../shared/session'
import { can, loadMe, loggedIn, session, type Permission } from './session'
import AssignmentsView from './views/AssignmentsView.vue'
import AuditView from './views/AuditView.vue'
import BoardView from './views/BoardView.vue'
import DashboardView from './views/DashboardView.vue'
import DraftsView from './views/DraftsView.vue'
import HouseholdsView from './views/HouseholdsView.vue'
import ImportView from './views/ImportView.vue'
import LayoutView from './views/LayoutView.vue'
import LoginView from './views/LoginView.vue'
import MembersView from './views/MembersView.vue'
import OrgView from './views/OrgView.vue'
import PoliciesView from './views/PoliciesView.vue'

// Views are imported statically: they ship in the admin-* chunk that the field app's service
// worker ignores (vite.config.ts globIgnores); only ECharts is loaded lazily (echarts-* chunk).
export interface MenuEntry {
  path: string
  title: string
  permission?: Permission
}

export const MENU: MenuEntry[] = [
  { path: '/org', title: '组织架构', permission: 'org:read' },
  { path: '/members', title: '党员', permission: 'member:read' },
  { path: '/households', title: '农户', permission: 'household:read' },
  { path: '/imports', title: '批量导入', permission: 'data:import' },
  { path: '/assignments', title: '包户方案', permission: 'assignment:write' },
  { path: '/board', title: '党务公开栏', permission: 'household:read' },
  { path: '/dashboard', title: '统计看板', permission: 'household:read' },
  { path: '/policies', title: '政策明白卡', permission: 'household:read' },
  { path: '/issue-drafts', title: '问题草稿', permission: 'household:read' },
  { path: '/audit', title: '操作日志', permission: 'audit:read' },
]

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: LoginView },
    {
      path: '/',
      component: LayoutView,
      children: [
        { path: '', redirect: '/org' },
        { path: 'org', component: OrgView },
        { path: 'members', component: MembersView },
        { path: 'households', component: HouseholdsView },
        { path: 'imports', component: ImportView },
        { path: 'assignments', component: AssignmentsView },
        { path: 'board', component: BoardView },
        { path: 'dashboard', component: DashboardView },
        { path: 'policies', component: PoliciesView },
        { path: 'issue-drafts', component: DraftsView },
        { path: 'audit', component: AuditView },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.name === 'login') return true
  if (!loggedIn()) return { name: 'login', query: { next: to.fullPath } }
  if (!session.me) {
    try {
      await loadMe()
    } catch {
      return { name: 'login', query: { next: to.fullPath } }
    }
  }
  const entry = MENU.find((m) => to.path.startsWith(m.path))
  if (entry?.permission && !can(entry.permission)) {
    const first = MENU.find((m) => !m.permission || can(m.permission))
    return first && first.path !== to.path ? first.path : true
  }
  return true
})

onSessionExpired(() => {
  session.me = null
  session.expired = true
  void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } })
})
