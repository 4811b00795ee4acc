export * from './data-source';
export * from './canonical-json';
