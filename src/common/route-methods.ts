import type { NestExpressApplication } from '@nestjs/platform-express';

interface Layer {
  route?: { methods: Record<string, boolean> };
  match(path: string): boolean;
}

/**
 * Which HTTP methods the app's routes accept for a path, read from Express's
 * router: lets an unmatched method answer 405 with `Allow` instead of 404.
 */
export function routeMethodsLookup(app: NestExpressApplication): (path: string) => string[] {
  return (path) => {
    const instance = app.getHttpAdapter().getInstance() as unknown as { router?: { stack: Layer[] } };
    const methods = new Set<string>();
    for (const layer of instance.router?.stack ?? []) {
      // middleware mounted for every method (logging, not-found) is not a route
      if (!layer.route || Object.keys(layer.route.methods).length > 8) continue;
      let matched: boolean;
      try {
        matched = layer.match(path);
      } catch {
        matched = false; // malformed percent-encoding in the path
      }
      if (!matched) continue;
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') methods.add(method.toUpperCase());
      }
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
