import type { IotOperation } from './iot-operation.js';

export interface RouteMatch {
  operation: IotOperation;
  pathParams: Record<string, string>;
}

/**
 * Finds the operation for a method and raw path by the service model's URI templates. A label
 * (`{thingName}`) matches exactly one non-empty path segment and is percent-decoded; a path that
 * does not decode matches nothing.
 */
export class OperationRouter {
  private readonly routes: { operation: IotOperation; segments: string[] }[];

  constructor(operations: readonly IotOperation[]) {
    this.routes = operations.map((operation) => ({ operation, segments: splitPath(operation.path) }));
  }

  match(method: string, rawPath: string): RouteMatch | undefined {
    const segments = splitPath(rawPath);
    for (const route of this.routes) {
      if (route.operation.method !== method || route.segments.length !== segments.length) continue;
      const pathParams = matchSegments(route.segments, segments);
      if (pathParams) return { operation: route.operation, pathParams };
    }
    return undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment, index) => index > 0 || segment !== '');
}

function matchSegments(template: string[], actual: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, part] of template.entries()) {
    const segment = actual[index] ?? '';
    const label = /^\{(\w+)\}$/.exec(part)?.[1];
    if (label === undefined) {
      if (segment !== part) return undefined;
      continue;
    }
    if (segment === '') return undefined;
    try {
      params[label] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
}
