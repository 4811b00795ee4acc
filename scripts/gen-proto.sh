#!/usr/bin/env bash
# Generates TypeScript from proto/ into libs/contracts/src/gen with ts-proto.
#   scripts/gen-proto.sh          regenerate
#   scripts/gen-proto.sh --check  fail when the committed generated code is stale
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"

command -v protoc >/dev/null || { echo "protoc not found: run scripts/setup.sh (installs protobuf-compiler)" >&2; exit 1; }

out_dir=libs/contracts/src/gen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# nestJs: controller interfaces + decorators for Nest's gRPC transport, clients with metadata.
# forceLong=number / useDate=false: match @grpc/proto-loader's runtime options (longs: Number,
# timestamps as messages), so the generated types describe what the transport really delivers.
protoc \
  --plugin="node_modules/.bin/protoc-gen-ts_proto" \
  --ts_proto_out="$tmp" \
  --ts_proto_opt=nestJs=true,addGrpcMetadata=true,esModuleInterop=true,forceLong=number,useDate=false,exportCommonSymbols=false,outputEncodeMethods=true,outputJsonMethods=true,outputPartialMethods=true \
  -I proto $(find proto -name '*.proto' | sort)

# The header names the protoc version, which differs between machines; the code does not.
find "$tmp" -name '*.ts' -exec sed -i '/^\/\/ versions:/,/^\/\/ source:/{/^\/\/ source:/!d}' {} +

if [ "${1:-}" = "--check" ]; then
  if ! diff -r "$tmp" "$out_dir" >/dev/null 2>&1; then
    diff -r "$tmp" "$out_dir" | head -40 >&2 || true
    echo "Generated contracts are stale: run 'bash scripts/gen-proto.sh' and commit the result." >&2
    exit 1
  fi
  echo "Generated contracts are up to date ($(find "$out_dir" -name '*.ts' | wc -l) files)."
else
  rm -rf "$out_dir"
  mkdir -p "$out_dir"
  cp -r "$tmp"/. "$out_dir"/
  echo "Generated $(find "$out_dir" -name '*.ts' | wc -l) files into $out_dir"
fi
