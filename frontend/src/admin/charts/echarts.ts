// ECharts on demand (core + the charts the console draws), loaded lazily by components/EChart.vue:
// this module becomes the echarts-* chunk, outside the field app's service worker precache.
import { BarChart, LinesChart, ScatterChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import VChart from 'vue-echarts'

use([
  CanvasRenderer,
  BarChart,
  ScatterChart,
  LinesChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
])

export default VChart
