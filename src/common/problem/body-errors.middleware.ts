import type { NextFunction, Request, Response } from 'express';
import { httpProblem, sendProblem } from './problem.js';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * Express error middleware placed right after the body parsers: malformed JSON,
 * an oversized body or an unsupported charset never reach Nest's filters, so
 * they are answered here in the same problem+json shape.
 */
export function bodyErrorsMiddleware(maxBytes: number) {
  return (error: BodyParserError, req: Request, res: Response, next: NextFunction): void => {
    switch (error.type) {
      case 'entity.parse.failed':
        return sendProblem(res, httpProblem(400, 'The request body is not valid JSON'));
      case 'entity.too.large':
        return sendProblem(res, httpProblem(413, `The request body exceeds ${maxBytes} bytes`));
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendProblem(res, httpProblem(415, error.message));
      case 'request.aborted':
      case 'request.size.invalid':
        return sendProblem(res, httpProblem(400, 'The request body was incomplete'));
      default:
        return next(error);
    }
  };
}
