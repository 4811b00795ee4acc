export * from './export';
export * from './float32';
export * from './signature';
export * from './verify';
export * from './predictions';
