import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Where the console is mounted; the server answers index.html for every path below it. */
export const BASE = '/_coffer/console';

/** The console-relative path and query of the current location (`/keys/1234`, `?prefix=a/`). */
export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  const path = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return { path: decodeURI(path) || '/', query: new URLSearchParams(window.location.search) };
}

/** A console-relative target (`/keys`) as an absolute URL path under BASE. */
export function href(to: string): string {
  return BASE + (to.startsWith('/') ? to : '/' + to);
}

/** Client-side navigation: pushes history and tells every `useLocation` to re-render. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', href(to));
  else window.history.pushState(null, '', href(to));
  window.dispatchEvent(new PopStateEvent('popstate'));
  window.scrollTo(0, 0);
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return location;
}

/** A real link (middle-click, copy link, keyboard all work) that navigates in place. */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const go = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={href(to)} onClick={go} {...rest} />;
}

/** Path segment encoding for names that may hold slashes (object keys, policy ARNs). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
