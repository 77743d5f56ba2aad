/**
 * ndarray views of decoded DICOM pixels (no copy): shape [frames, rows, columns] for grey images,
 * [frames, rows, columns, samples] for colour, C order, so slicing a frame or transposing is free
 * on the host before upload to a tensor backend.
 */
import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import type { DicomImage } from './image.js';

export function dicomPixelsView(img: Pick<DicomImage, 'pixels' | 'frames' | 'rows' | 'columns' | 'samplesPerPixel'>): NdArray<Float32Array> {
  const shape = [img.frames, img.rows, img.columns];
  if (img.samplesPerPixel > 1) shape.push(img.samplesPerPixel);
  return ndarray(img.pixels, shape);
}
