import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A region's work-group robots (企业微信群机器人, 钉钉自定义机器人). The URLs
 * carry the robots' tokens and the DingTalk secret signs each message: all
 * three are stored encrypted (`enc1.<suite>.<key version>.…`, CryptoService,
 * see ChannelsRepository) and none is ever logged, audited or answered in full.
 */
@Entity('region_channels')
export class RegionChannelEntity {
  @PrimaryColumn({ type: 'varchar', length: 9 })
  regionCode!: string;

  /** The foreign key only (named, not imported). */
  @ManyToOne('RegionEntity', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_code', foreignKeyConstraintName: 'region_channels_region_code_fkey' })
  region?: unknown;

  @Column({ type: 'text', nullable: true })
  wecomWebhookUrl!: string | null;

  @Column({ type: 'text', nullable: true })
  dingtalkWebhookUrl!: string | null;

  @Column({ type: 'text', nullable: true })
  dingtalkSecret!: string | null;

  @Column({ type: 'uuid', nullable: true })
  updatedBy!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
