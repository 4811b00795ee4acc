export * from './grpc-client';
export * from './infra';
export * from './kafka-broker';
export * from './platform-service';
export * from './service-basics';
export * from './service-process';
export * from './kafka-reader';
export * from './postgres-server';
