import { errorStatuses } from '../../common/problem/error-codes.js';

export enum ChannelError {
  RegionNotFound = 'channel_region_not_found',
  NotYourRegion = 'channel_not_your_region',
  InvalidRequest = 'channel_invalid_request',
  NoChannel = 'channel_none_configured',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<ChannelError>({
  [ChannelError.RegionNotFound]: 404,
  [ChannelError.NotYourRegion]: 403,
  [ChannelError.InvalidRequest]: 400,
  [ChannelError.NoChannel]: 409,
});

declare module '../../common/problem/error-codes.js' {
  interface ErrorCodes {
    channel: ChannelError;
  }
}
