// Refreshes when the person comes back to the tab or window (no polling): the page reloads what
// it shows on `focus` and on `visibilitychange` to visible, at most once per `minGapMs`.
import { useEffect, useRef } from 'preact/hooks';

export function useFocusRefresh(refresh: () => void, minGapMs = 2000) {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    let last = Date.now();
    const maybe = () => {
      if (document.visibilityState === 'hidden') return;
      const now = Date.now();
      if (now - last < minGapMs) return;
      last = now;
      latest.current();
    };
    window.addEventListener('focus', maybe);
    document.addEventListener('visibilitychange', maybe);
    return () => {
      window.removeEventListener('focus', maybe);
      document.removeEventListener('visibilitychange', maybe);
    };
  }, [minGapMs]);
}
