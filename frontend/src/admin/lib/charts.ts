/** ECharts options built from API data, kept pure so they are unit-tested without a canvas. */

const RED = '#c8161d'
const PALETTE = [RED, '#e6a23c', '#409eff', '#67c23a', '#909399', '#9b59b6']

export interface BarSeries {
  name: string
  data: number[]
  stack?: string
}

/** Bars per village (one category per village), several series; rates shown as percentages. */
export function barOption(
  title: string,
  categories: string[],
  series: BarSeries[],
  opts: { percent?: boolean } = {},
): Record<string, unknown> {
  const fmt = (v: number) => (opts.percent ? `${Math.round(v * 1000) / 10}%` : `${v}`)
  return {
    title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
    color: PALETTE,
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      valueFormatter: (v: number) => fmt(v),
    },
    legend: { bottom: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 56, containLabel: true },
    xAxis: {
      type: 'category',
      data: categories,
      axisLabel: { interval: 0, rotate: categories.length > 8 || categories.some((c) => c.length > 6) ? 20 : 0 },
    },
    yAxis: {
      type: 'value',
      ...(opts.percent ? { max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } } : {}),
    },
    series: series.map((s) => ({
      name: s.name,
      type: 'bar',
      data: s.data,
      ...(s.stack ? { stack: s.stack } : {}),
      barMaxWidth: 36,
      label: {
        show: categories.length <= 12,
        position: s.stack ? 'inside' : 'top',
        // a stacked segment of 0 has no room for its label
        formatter: (p: { value: number }) => (s.stack && !p.value ? '' : fmt(p.value)),
      },
    })),
  }
}

export interface Point {
  id: number
  name: string
  lat: number | null
  lng: number | null
}

export interface PairPoint extends Point {
  memberId: number
}

/**
 * The scatter plot of a proposal: households as small dots coloured by whether they belong to the
 * selected member, members as red pins; lines join the selected member to their households.
 */
export function scatterOption(
  households: PairPoint[],
  members: Point[],
  selectedMember: number | null = null,
): Record<string, unknown> {
  const located = <T extends Point>(list: T[]) => list.filter((p) => p.lat != null && p.lng != null)
  const hs = located(households)
  const ms = located(members)
  const mine = hs.filter((h) => h.memberId === selectedMember)
  const others = hs.filter((h) => h.memberId !== selectedMember)
  const sel = ms.find((m) => m.id === selectedMember)
  const xy = (p: Point) => [p.lng, p.lat, p.name, p.id]
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; data: unknown[] }) => `${p.seriesName}：${p.data[2]}`,
    },
    legend: { bottom: 0 },
    grid: { left: 56, right: 40, top: 40, bottom: 48, containLabel: true },
    xAxis: { type: 'value', name: '经度', scale: true, axisLabel: { formatter: (v: number) => v.toFixed(3) } },
    yAxis: { type: 'value', name: '纬度', scale: true, axisLabel: { formatter: (v: number) => v.toFixed(3) } },
    series: [
      {
        name: '农户',
        type: 'scatter',
        symbolSize: 5,
        itemStyle: { color: '#909399', opacity: 0.6 },
        data: others.map(xy),
      },
      { name: '所选党员的联系户', type: 'scatter', symbolSize: 8, itemStyle: { color: '#409eff' }, data: mine.map(xy) },
      {
        name: '党员',
        type: 'scatter',
        symbol: 'pin',
        symbolSize: 18,
        itemStyle: { color: RED },
        data: ms.filter((m) => m !== sel).map(xy),
      },
      {
        name: '所选党员',
        type: 'scatter',
        symbol: 'pin',
        symbolSize: 26,
        itemStyle: { color: '#e6a23c' },
        data: sel ? [xy(sel)] : [],
      },
      {
        name: '联系线',
        type: 'lines',
        coordinateSystem: 'cartesian2d',
        polyline: false,
        lineStyle: { color: '#409eff', width: 1, opacity: 0.6 },
        data: sel
          ? mine.map((h) => ({
              coords: [
                [sel.lng, sel.lat],
                [h.lng, h.lat],
              ],
            }))
          : [],
      },
    ],
  }
}
