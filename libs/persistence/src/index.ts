export * from './data-source';
export * from './canonical-json';
export * from './paging';
export * from './group-commit';
export * from './binary-copy';
