import { useCallback, useEffect, useState } from 'react';
import { formatHash, parseHash, type Route } from './url-state.js';

/** The current route, and a setter that keeps a page's inputs in the URL (replacing, not pushing). */
export function useRoute(): readonly [Route, (params: Readonly<Record<string, string>>) => void] {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onHash = (): void => {
      setRoute(parseHash(window.location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
  const setParams = useCallback(
    (params: Readonly<Record<string, string>>) => {
      const next = { page: route.page, params: { ...route.params, ...params } };
      window.history.replaceState(null, '', formatHash(next));
      setRoute(next);
    },
    [route],
  );
  return [route, setParams] as const;
}
