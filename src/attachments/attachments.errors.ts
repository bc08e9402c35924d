export enum AttachmentError {
  NotFound = 'attachment_not_found',
  UnsupportedType = 'attachment_unsupported_type',
  StorageUnavailable = 'attachment_storage_unavailable',
}
