import type { App } from 'vue'
import {
  ElAlert,
  ElAside,
  ElButton,
  ElCard,
  ElCheckbox,
  ElCol,
  ElConfigProvider,
  ElContainer,
  ElDatePicker,
  ElDescriptions,
  ElDescriptionsItem,
  ElDialog,
  ElDivider,
  ElEmpty,
  ElForm,
  ElFormItem,
  ElHeader,
  ElInput,
  ElInputNumber,
  ElLoading,
  ElMain,
  ElMenu,
  ElMenuItem,
  ElOption,
  ElPagination,
  ElRadio,
  ElRadioButton,
  ElRadioGroup,
  ElRow,
  ElSelect,
  ElSpace,
  ElStatistic,
  ElStep,
  ElSteps,
  ElSwitch,
  ElTable,
  ElTableColumn,
  ElTag,
  ElText,
  ElTooltip,
  ElTree,
  ElTreeSelect,
  ElUpload,
} from 'element-plus'

/** Element Plus on demand: only the components the console uses are bundled. Each is registered
 * by its own name: `app.use(ElRadioButton)` would be a no-op (sub-components install with their
 * parent), so `app.component` is used throughout. */
const components = [
  ElAlert, ElAside, ElButton, ElCard, ElCheckbox, ElCol, ElConfigProvider, ElContainer, ElDatePicker, ElDescriptions,
  ElDescriptionsItem, ElDialog, ElDivider, ElEmpty, ElForm, ElFormItem, ElHeader, ElInput,
  ElInputNumber, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination, ElRadio, ElRadioButton, ElRadioGroup,
  ElRow, ElSelect, ElSpace, ElStatistic, ElStep, ElSteps, ElSwitch, ElTable, ElTableColumn, ElTag,
  ElText, ElTooltip, ElTree, ElTreeSelect, ElUpload,
]

export function installUi(app: App): void {
  for (const c of components) app.component(c.name!, c)
  app.use(ElLoading)
}
