import { PlatformMetrics } from '@mlops/observability';
import { RecordsMetrics } from './records.metrics';

describe('RecordsMetrics', () => {
  it('counts records by dataset and outcome, with the service label', async () => {
    const platform = new PlatformMetrics('ingestion');
    const metrics = new RecordsMetrics(platform);
    metrics.count([
      { dataset: 'trips', outcome: 'accepted' },
      { dataset: 'trips', outcome: 'accepted' },
      { dataset: 'trips', outcome: 'rejected' },
      { dataset: '', outcome: 'rejected' },
    ]);
    metrics.count([{ dataset: 'trips', outcome: 'accepted' }, { dataset: 'trips', outcome: 'duplicate' }]);

    const text = await platform.registry.getSingleMetricAsString('mlops_ingestion_records_total');
    const samples = text.split('\n').filter((line) => !line.startsWith('#'));
    expect(samples.sort()).toEqual([
      'mlops_ingestion_records_total{dataset="",outcome="rejected",service="ingestion"} 1',
      'mlops_ingestion_records_total{dataset="trips",outcome="accepted",service="ingestion"} 3',
      'mlops_ingestion_records_total{dataset="trips",outcome="duplicate",service="ingestion"} 1',
      'mlops_ingestion_records_total{dataset="trips",outcome="rejected",service="ingestion"} 1',
    ]);
  });
});
