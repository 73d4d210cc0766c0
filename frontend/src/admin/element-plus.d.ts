/// <reference types="element-plus/global" />
