/** Injection token of the kafkajs client. */
export const KAFKA = Symbol('KAFKA');
/** Injection token of the service definition. */
export const SERVICE_DEFINITION = Symbol('SERVICE_DEFINITION');
