import { PHOTO_TYPES, type PreparedPhoto } from './photos'

/** Long side of a photo kept on the phone: a day's queue of visits with nine photos each stays
 * a few megabytes, and an upload on a weak village signal takes seconds, not minutes. */
export const MAX_SIDE = 1600
export const THUMB_SIDE = 240
const QUALITY = 0.82

export class PhotoUnreadable extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PhotoUnreadable'
  }
}

interface Decoded {
  source: CanvasImageSource
  width: number
  height: number
  close(): void
}

/** Decode with the phone's EXIF orientation applied (createImageBitmap, else an <img>). */
async function decode(file: Blob): Promise<Decoded> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' })
      return { source: bmp, width: bmp.width, height: bmp.height, close: () => bmp.close() }
    } catch {
      // fall through to an <img>: some browsers refuse the options bag
    }
  }
  const url = URL.createObjectURL(file)
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => {} }
  } finally {
    URL.revokeObjectURL(url)
  }
}

function encode(
  d: Decoded,
  side: number,
  quality: number,
): Promise<{ blob: Blob | null; width: number; height: number }> {
  const scale = Math.min(1, side / Math.max(d.width, d.height))
  const width = Math.max(1, Math.round(d.width * scale))
  const height = Math.max(1, Math.round(d.height * scale))
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) return Promise.resolve({ blob: null, width, height })
  ctx.fillStyle = '#fff' // a transparent PNG becomes white, not black, as JPEG
  ctx.fillRect(0, 0, width, height)
  ctx.drawImage(d.source, 0, 0, width, height)
  return new Promise((resolve) => canvas.toBlob((blob) => resolve({ blob, width, height }), 'image/jpeg', quality))
}

/**
 * A picked photo as it will be kept and sent: re-encoded as JPEG at most 1600 px on its long
 * side (which also drops the EXIF position on the phone), with a 240 px thumbnail for the lists.
 * A small photo that re-encoding would only make bigger is kept as it is.
 */
export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  if (!PHOTO_TYPES.includes(file.type)) throw new PhotoUnreadable('照片只支持 JPEG、PNG、WebP 格式')
  let d: Decoded
  try {
    d = await decode(file)
  } catch {
    throw new PhotoUnreadable('无法读取这张照片，请换一张')
  }
  try {
    const full = await encode(d, MAX_SIDE, QUALITY)
    const thumb = await encode(d, THUMB_SIDE, 0.7)
    const small = Math.max(d.width, d.height) <= MAX_SIDE
    if (!full.blob || (small && file.size <= full.blob.size)) {
      if (!small && !full.blob) throw new PhotoUnreadable('无法压缩这张照片，请换一张')
      return { blob: file, thumb: thumb.blob ?? undefined, width: d.width, height: d.height }
    }
    return { blob: full.blob, thumb: thumb.blob ?? undefined, width: full.width, height: full.height }
  } finally {
    d.close()
  }
}
