import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ChannelsRepository } from './channels.repository.js';

/**
 * Robot URLs and DingTalk secrets stored in clear before they were encrypted
 * are encrypted at boot (DATA_KEY is the service's, not the migrations': the
 * PhoneSealer's way).
 */
@Injectable()
export class ChannelSealer implements OnApplicationBootstrap {
  private readonly logger = new Logger('ChannelSealer');

  constructor(private readonly repository: ChannelsRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    const sealed = await this.repository.sealClear();
    if (sealed > 0) this.logger.log(`encrypted the robots' URLs and secrets of ${sealed} region(s) stored in clear`);
  }

  sealAll(): Promise<number> {
    return this.repository.sealClear();
  }
}
