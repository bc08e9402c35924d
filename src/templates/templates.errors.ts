export enum TemplateError {
  NotFound = 'template_not_found',
  DuplicateCode = 'template_duplicate_code',
  InvalidContent = 'template_invalid_content',
}
