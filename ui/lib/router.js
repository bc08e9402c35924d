// Hash routes: `#/inspection/<id>?x=1` → the first pattern that matches.

export function createRouter(routes, { before, onError, fallback = '#/' }) {
  async function route() {
    const [path, query = ''] = (location.hash.slice(1) || '/').split('?');
    if (before && before(path) === false) return;
    for (const [pattern, screen] of routes) {
      const match = pattern.exec(path);
      if (!match) continue;
      try {
        await screen(match, new URLSearchParams(query));
      } catch (error) {
        onError(error);
      }
      return;
    }
    location.hash = fallback;
  }
  addEventListener('hashchange', route);
  return { route };
}
