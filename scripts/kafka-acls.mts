// Called by scripts/kafka.sh (KAFKA_SECURITY=sasl_ssl) once the broker answers: creates the
// catalog's topics and grants each principal of libs/contracts topic-access.ts what it needs and
// no more, as the broker's admin user. Safe to run again (creating what exists is a no-op).
//   KAFKA_PORT, KAFKA_SECRETS_DIR (ca.pem, users/<name>.password), KAFKA_TOPIC_PARTITIONS (3)
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import kafkajs from 'kafkajs';
import contracts from '@mlops/contracts';

// Both are CommonJS packages: their exports come through the default import.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } = kafkajs;
const { ALL_TOPIC_NAMES, TOPIC_ACCESS } = contracts;

const port = process.env.KAFKA_PORT ?? '9092';
const secrets = process.env.KAFKA_SECRETS_DIR ?? '';
const partitions = Number(process.env.KAFKA_TOPIC_PARTITIONS ?? 3);
const password = (user: string) => readFileSync(path.join(secrets, 'users', `${user}.password`), 'utf8').trim();

const missing = Object.keys(TOPIC_ACCESS).filter((principal) => !existsSync(path.join(secrets, 'users', `${principal}.password`)));
if (missing.length > 0) {
  console.error(`[kafka-acls] no SCRAM user for ${missing.join(', ')}: add them to KAFKA_USERS in scripts/kafka.sh (and wipe the broker)`);
  process.exit(1);
}

const kafka = new Kafka({
  clientId: 'mlops-acls',
  brokers: [`127.0.0.1:${port}`],
  ssl: { ca: [readFileSync(path.join(secrets, 'ca.pem'), 'utf8')] },
  sasl: { mechanism: 'scram-sha-512', username: 'admin', password: password('admin') },
  logLevel: logLevel.NOTHING,
});

type Acl = Parameters<ReturnType<typeof kafka.admin>['createAcls']>[0]['acl'][number];
const allow = (principal: string, resourceType: kafkajs.AclResourceTypes, resourceName: string, operation: kafkajs.AclOperationTypes, pattern = ResourcePatternTypes.LITERAL): Acl => ({
  principal: `User:${principal}`,
  host: '*',
  resourceType,
  resourceName,
  resourcePatternType: pattern,
  operation,
  permissionType: AclPermissionTypes.ALLOW,
});

const acls: Acl[] = [];
for (const [principal, access] of Object.entries(TOPIC_ACCESS)) {
  for (const topic of access.produces) acls.push(allow(principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE));
  for (const topic of access.consumes) acls.push(allow(principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.READ));
  // Services create the topics they use at start when they are missing (and must see them).
  for (const topic of new Set([...access.produces, ...access.consumes])) {
    acls.push(allow(principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.DESCRIBE));
    acls.push(allow(principal, AclResourceTypes.TOPIC, topic, AclOperationTypes.CREATE));
  }
  if (access.groupPrefix) {
    for (const operation of [AclOperationTypes.READ, AclOperationTypes.DESCRIBE, AclOperationTypes.DELETE]) {
      acls.push(allow(principal, AclResourceTypes.GROUP, access.groupPrefix, operation, ResourcePatternTypes.PREFIXED));
    }
  }
}

const admin = kafka.admin();
await admin.connect();
try {
  const existing = new Set(await admin.listTopics());
  const topics = ALL_TOPIC_NAMES.filter((topic) => !existing.has(topic));
  if (topics.length > 0) await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })) });
  await admin.createAcls({ acl: acls });
  // The broker applies new ACLs from its metadata log a moment after createAcls answers; until
  // then an allowed write is refused (seen in the security test). Wait until it lists them all.
  const wanted = new Set(acls.map((a) => JSON.stringify(a))).size;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listed = await admin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
    const count = listed.resources.reduce((n, r) => n + r.acls.length, 0);
    if (count >= wanted) break;
    if (Date.now() > deadline) throw new Error(`the broker lists ${count} of the ${wanted} ACLs 30 s after they were created`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.error(`[kafka-acls] ${ALL_TOPIC_NAMES.length} topics (${topics.length} new), ${acls.length} ACLs for ${Object.keys(TOPIC_ACCESS).length} principals`);
} finally {
  await admin.disconnect();
}
