import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Headers, Param, Post } from '@nestjs/common';
import { type ErrorKind, isDomainError } from '@mlops/errors';
import { ReadinessService } from '@mlops/nest-platform';
import { ModelStore } from '../../models/model-store';
import { TrafficRouter } from '../../routing/traffic-router';
import type { WireContents } from '../domain/tensors';

/** JSON tensor of the REST protocol: data flattened (or nested) in row-major order. */
interface RestTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown;
}

const HTTP_STATUS: Partial<Record<ErrorKind, number>> = {
  NOT_FOUND: HttpStatus.NOT_FOUND,
  INVALID_ARGUMENT: HttpStatus.BAD_REQUEST,
  FAILED_PRECONDITION: HttpStatus.BAD_REQUEST,
  RESOURCE_EXHAUSTED: HttpStatus.PAYLOAD_TOO_LARGE,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};
const FIELD: Record<string, keyof WireContents> = { FP32: 'fp32Contents', FP64: 'fp64Contents', INT32: 'intContents', INT64: 'int64Contents', BOOL: 'boolContents' };

/** The Open Inference Protocol's REST face (/v2/...), for KServe/Triton HTTP clients. */
@Controller('v2')
export class InferenceHttpController {
  constructor(
    private readonly router: TrafficRouter,
    private readonly models: ModelStore,
    private readonly readiness: ReadinessService,
  ) {}

  @Get()
  server() {
    return { name: 'mlops-serving', version: '0.1.0', extensions: [] };
  }

  @Get('health/live')
  live() {
    return { live: true };
  }

  @Get('health/ready')
  ready() {
    if (!this.readiness.ready) throw new HttpException({ ready: false }, HttpStatus.SERVICE_UNAVAILABLE);
    return { ready: true };
  }

  @Get('models/:name')
  metadata(@Param('name') name: string) {
    return this.modelMetadata(name, '');
  }

  @Get('models/:name/versions/:version')
  versionMetadata(@Param('name') name: string, @Param('version') version: string) {
    return this.modelMetadata(name, version);
  }

  @Get('models/:name/ready')
  modelReady(@Param('name') name: string) {
    return this.readyOrFail(name, '');
  }

  @Get('models/:name/versions/:version/ready')
  versionReady(@Param('name') name: string, @Param('version') version: string) {
    return this.readyOrFail(name, version);
  }

  @Post('models/:name/infer')
  @HttpCode(200)
  infer(@Param('name') name: string, @Body() body: unknown, @Headers('x-routing-key') routingKey?: string) {
    return this.run(name, '', body, routingKey);
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(200)
  inferVersion(@Param('name') name: string, @Param('version') version: string, @Body() body: unknown) {
    return this.run(name, version, body, undefined);
  }

  private async modelMetadata(name: string, version: string) {
    return mapErrors(async () => {
      const model = await this.models.resolve(name, version);
      return { name: model.name, versions: await this.models.versions(model.name), platform: 'onnxruntime_onnx', inputs: model.inputs, outputs: model.outputs };
    });
  }

  private async readyOrFail(name: string, version: string) {
    if (!(await this.models.isReady(name, version))) throw new HttpException({ error: `model "${name}" is not ready` }, HttpStatus.NOT_FOUND);
    return { name, ready: true };
  }

  private async run(name: string, version: string, body: unknown, routingKey: string | undefined) {
    return mapErrors(async () => {
      const request = parseBody(body);
      const key = typeof request.parameters?.routing_key === 'string' ? request.parameters.routing_key : routingKey;
      const response = await this.router.infer({
        modelName: name,
        modelVersion: version,
        id: request.id ?? '',
        inputs: request.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape, contents: toContents(t) })),
        outputs: (request.outputs ?? []).map((o) => ({ name: o.name })),
        rawInputContents: [],
        routingKey: key || undefined,
      });
      return {
        model_name: response.modelName,
        model_version: response.modelVersion,
        id: response.id,
        outputs: response.outputs.map((o) => ({ name: o.name, shape: o.shape, datatype: o.datatype, data: fromContents(o.contents) })),
      };
    });
  }
}

interface RestRequest {
  id?: string;
  inputs: RestTensor[];
  outputs?: { name: string }[];
  parameters?: Record<string, unknown>;
}

function parseBody(body: unknown): RestRequest {
  const b = body as { id?: unknown; inputs?: unknown; outputs?: unknown } | null;
  if (!b || typeof b !== 'object' || !Array.isArray(b.inputs)) throw new HttpException({ error: 'the body must be a JSON object with an "inputs" array' }, HttpStatus.BAD_REQUEST);
  for (const [i, t] of (b.inputs as RestTensor[]).entries()) {
    if (!t || typeof t.name !== 'string' || typeof t.datatype !== 'string' || !Array.isArray(t.shape) || t.data === undefined) {
      throw new HttpException({ error: `inputs[${i}] needs "name", "shape", "datatype" and "data"` }, HttpStatus.BAD_REQUEST);
    }
  }
  return b as RestRequest;
}

function toContents(t: RestTensor): WireContents {
  const data = Array.isArray(t.data) ? (t.data as unknown[]).flat(Infinity) : [t.data];
  if (t.datatype === 'BYTES') return { bytesContents: data.map((v) => Buffer.from(String(v), 'utf8')) };
  const field = FIELD[t.datatype];
  if (!field) return {};
  const bad = data.findIndex((v) => (t.datatype === 'BOOL' ? typeof v !== 'boolean' : typeof v !== 'number'));
  if (bad >= 0) throw new HttpException({ error: `input "${t.name}": data[${bad}] is not a ${t.datatype === 'BOOL' ? 'boolean' : 'number'}` }, HttpStatus.BAD_REQUEST);
  return { [field]: data } as WireContents;
}

function fromContents(contents: Record<string, unknown[]> | undefined): unknown[] {
  const values = Object.values(contents ?? {})[0] ?? [];
  return values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

async function mapErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isDomainError(error)) throw new HttpException({ error: error.message }, HTTP_STATUS[error.kind] ?? HttpStatus.INTERNAL_SERVER_ERROR);
    throw error;
  }
}
