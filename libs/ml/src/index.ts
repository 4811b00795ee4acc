export * from './histogram';
export * from './moments';
export * from './profile';
export * from './quantile';
