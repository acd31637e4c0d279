// The operations a simulator serves, read from its vendor's spec: one router for every simulator and for the
// response check, so a path is mapped to its operation in one place.
type Obj = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

/** One operation of a spec: `GET` `/v2/users/batch/{job_id}`, its operation object, its matcher. */
export interface SpecRoute {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly operation: Obj;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const tables = new WeakMap<Obj, readonly SpecRoute[]>();

/**
 * Every operation of a spec, a literal path before a template that also matches it (`batch` over `{id}`);
 * read once per document.
 */
export function routesOf(document: Obj): readonly SpecRoute[] {
  const known = tables.get(document);
  if (known !== undefined) return known;
  const routes: SpecRoute[] = [];
  for (const [template, item] of Object.entries((document["paths"] ?? {}) as Obj)) {
    for (const method of METHODS) {
      const operation = (item as Obj)[method] as Obj | undefined;
      if (operation === undefined) continue;
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "([^/]+)");
      routes.push({
        method: method.toUpperCase(),
        template,
        operationId: String(operation["operationId"]),
        operation,
        pattern: new RegExp(`^${source}/?$`),
        names,
      });
    }
  }
  routes.sort((a, b) => a.names.length - b.names.length);
  tables.set(document, routes);
  return routes;
}

/**
 * The operation `method path` calls (path relative to the API's root), or undefined. A parameter that is not
 * valid percent-encoding matches nothing, as a server would answer 400/404.
 */
export function matchRoute(
  routes: readonly SpecRoute[],
  method: string,
  path: string,
): { route: SpecRoute; params: Readonly<Record<string, string>> } | undefined {
  const upper = method.toUpperCase();
  for (const route of routes) {
    if (route.method !== upper) continue;
    const match = route.pattern.exec(path);
    if (match === null) continue;
    const params: Record<string, string> = Object.create(null) as Record<string, string>;
    try {
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(match[i + 1]!);
      });
    } catch {
      return undefined;
    }
    if (Object.values(params).some((value) => value === "")) continue;
    return { route, params };
  }
  return undefined;
}

/** The path below `basePath`, or undefined when the request is outside it. */
export function pathBelow(basePath: string, pathname: string): string | undefined {
  if (basePath === "") return pathname;
  if (pathname === basePath) return "/";
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}
