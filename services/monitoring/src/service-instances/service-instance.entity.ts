import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A service process that announced its start (platform.service.started.v1). */
@Entity({ name: 'service_instances' })
export class ServiceInstanceEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'text' })
  instanceId!: string;

  @Column('text')
  service!: string;

  @Column('text')
  version!: string;

  @Column('text')
  host!: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}
