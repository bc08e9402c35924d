import { errorStatuses } from '../common/problem/error-codes.js';

export enum TemplateError {
  NotFound = 'template_not_found',
  DuplicateCode = 'template_duplicate_code',
  InvalidContent = 'template_invalid_content',
  SheetUnsupported = 'template_sheet_unsupported',
  SheetTooLarge = 'template_sheet_too_large',
  SheetHeader = 'template_sheet_header',
}

/** The HTTP status of each code (a code without one does not compile). */
errorStatuses<TemplateError>({
  [TemplateError.NotFound]: 404,
  [TemplateError.DuplicateCode]: 409,
  [TemplateError.InvalidContent]: 400,
  [TemplateError.SheetUnsupported]: 415,
  [TemplateError.SheetTooLarge]: 413,
  [TemplateError.SheetHeader]: 400,
});

declare module '../common/problem/error-codes.js' {
  interface ErrorCodes {
    template: TemplateError;
  }
}
