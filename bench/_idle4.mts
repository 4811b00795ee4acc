import { execSync } from 'node:child_process';
import { startPlatformService } from '@mlops/testing';
const name = process.argv[2] ?? 'ingestion';
const s = await startPlatformService(name, { env: { LOG_LEVEL: 'warn', INGESTION_GRPC_URL: '127.0.0.1:1' } });
await new Promise((r) => setTimeout(r, 10_000));
const pid = s.proc.pid!;
try { execSync(`timeout 5 strace -c -p ${pid} -o /tmp/strace.txt`, { stdio: 'ignore' }); } catch {}
try { execSync(`timeout 2 strace -tt -p ${pid} -o /tmp/strace-tt.txt`, { stdio: 'ignore' }); } catch {}
await s.stop();
