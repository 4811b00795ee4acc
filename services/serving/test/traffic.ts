import type { AnyCall } from '@mlops/testing';

export interface TrafficStats {
  sent: number;
  failed: { key: string; code: number; details: string }[];
  byVersion: Record<string, number>;
  /** Request ids with the label the stable model predicted, for feedback. */
  answered: { id: string; version: string; label: number }[];
}

/**
 * Live traffic for a model during a deployment test: a few workers send single-row ModelInfer
 * requests without a version (so the deployment routes them), each with a routing key from a
 * pool of users, and record who answered and what failed.
 */
export function startTraffic(api: Record<string, AnyCall>, model: string, { workers = 6, pauseMs = 4, users = 500 } = {}) {
  const stats: TrafficStats = { sent: 0, failed: [], byVersion: {}, answered: [] };
  let running = true;
  let n = 0;
  // Request ids unique across traffic generators (labels are joined by request id, across replicas).
  const run = Math.random().toString(36).slice(2, 8);
  const loops = Array.from({ length: workers }, async (_, w) => {
    while (running) {
      const key = `user-${Math.floor(Math.random() * users)}`;
      const id = `${model}-${run}-${w}-${n++}`;
      const row = [Math.random() * 2 - 1, Math.random() * 2 - 1, Math.random() * 2 - 1];
      stats.sent++;
      try {
        const r = await api.ModelInfer({ modelName: model, id, parameters: { routing_key: { stringParam: key } }, inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3], contents: { fp32Contents: row } }] });
        stats.byVersion[r.modelVersion] = (stats.byVersion[r.modelVersion] ?? 0) + 1;
        const label = r.outputs.find((o: { name: string }) => o.name === 'label').contents.int64Contents[0];
        stats.answered.push({ id: r.id, version: r.modelVersion, label: Number(label) });
      } catch (error) {
        const e = error as { code: number; details: string };
        stats.failed.push({ key, code: e.code, details: e.details });
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  });
  return {
    stats,
    async stop(): Promise<TrafficStats> {
      running = false;
      await Promise.all(loops);
      return stats;
    },
  };
}
