import { useCallback, useEffect, useState } from 'react';
import { formatHash, parseHash, type Route } from './url-state.js';
import { afterNextPaint, createUrlWriter } from './url-writer.js';

// history.replaceState is a same-document navigation: it sends the browser process a message, which
// on a busy machine takes the CPU from the page before the new numbers are drawn. So the page shows
// the numbers first and writes the address after that frame, one write for a burst of changes
// (browsers also rate-limit the History API).
// knownHash is the address as the app last read or wrote it: when the address differs, a link or the
// Back button has navigated (its hashchange event may still be queued) and wins over a pending write.
let knownHash = window.location.hash;
const urlWriter = createUrlWriter((hash) => {
  if (window.location.hash !== knownHash) return;
  window.history.replaceState(null, '', hash);
  knownHash = window.location.hash;
}, afterNextPaint(window));

/** The current route, and a setter that keeps a page's inputs in the URL (replacing, not pushing). */
export function useRoute(): readonly [Route, (params: Readonly<Record<string, string>>) => void] {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onHash = (): void => {
      urlWriter.cancel();
      knownHash = window.location.hash;
      setRoute(parseHash(window.location.hash));
    };
    // Before a click follows a link, and before the page goes away, the address is brought up to date.
    const flush = (): void => {
      urlWriter.flush();
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('click', flush, true);
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('click', flush, true);
      window.removeEventListener('pagehide', flush);
    };
  }, []);
  const setParams = useCallback(
    (params: Readonly<Record<string, string>>) => {
      const next = { page: route.page, params: { ...route.params, ...params } };
      setRoute(next);
      urlWriter.set(formatHash(next));
    },
    [route],
  );
  return [route, setParams] as const;
}
