export * from './ks';
export * from './select';
export * from './special';
export * from './tests';
