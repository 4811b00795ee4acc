import * as path from 'node:path';

/** Root of the .proto files, for Nest's gRPC transport (@grpc/proto-loader loads them at run time).
 * The same relative path holds from src/ and dist/, in the repo and in the service images. */
export const PROTO_ROOT = path.resolve(__dirname, '../../../proto');

export function protoPath(relative: string): string {
  return path.join(PROTO_ROOT, relative);
}

/** Loader options that match the ts-proto options in scripts/gen-proto.sh. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};
