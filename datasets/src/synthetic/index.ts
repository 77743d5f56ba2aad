export { ellipsePhantom, EllipsesDataset, type SyntheticOptions } from './ellipses.js';
export { shapeImage, ShapesDataset, SHAPE_CLASSES, type ShapesOptions } from './shapes.js';
export { addRegion, ellipseTest } from './raster.js';
