// Vant's styles for the first screen (the household list and the tab bar), instead of all of
// vant/lib/index.css (200 KB that a slow phone parses before it can show anything). The other views
// import their components' styles themselves, so that CSS comes with their lazy chunks.
// tests/vant-styles.test.ts fails when a component imported from 'vant' has no style import.
import 'vant/es/cell/style/index'
import 'vant/es/empty/style/index'
import 'vant/es/list/style/index'
import 'vant/es/nav-bar/style/index'
import 'vant/es/notice-bar/style/index'
import 'vant/es/pull-refresh/style/index'
import 'vant/es/search/style/index'
import 'vant/es/tabbar/style/index'
import 'vant/es/tabbar-item/style/index'
import 'vant/es/tag/style/index'
