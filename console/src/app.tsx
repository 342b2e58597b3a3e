import { useEffect, useRef, useState } from 'react';
import { clientsFor, type Clients } from './aws';
import { Link, navigate, useLocation } from './router';
import { clearSummaries } from './audit/summary';
import { clearSession, loadSession, saveSession, type Session } from './session';
import { useTheme } from './theme';
import { SignIn } from './pages/sign-in';
import { Routes } from './routes';

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/keys', label: 'Keys' },
  { to: '/buckets', label: 'Buckets' },
  { to: '/iam', label: 'IAM' },
  { to: '/trail', label: 'Trail' },
  { to: '/audit', label: 'Audit' },
];

/** The shell: sign-in gate, navigation, theme toggle, and the current page. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [theme, toggleTheme] = useTheme();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);

  useEffect(() => setMenuOpen(false), [location.path]);

  const signIn = (s: Session) => {
    saveSession(s);
    setSession(s);
  };
  const signOut = () => {
    clearSession();
    clearSummaries();
    setSession(undefined);
    navigate('/', { replace: true });
  };

  const themeButton = (
    <button type="button" className="icon" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} title="Toggle light/dark theme">
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );

  if (!session) {
    return (
      <div className="signin-shell">
        <div className="signin-top">{themeButton}</div>
        <SignIn onSignIn={signIn} />
      </div>
    );
  }
  const clients: Clients = clientsFor(session);
  const active = (to: string) => (to === '/' ? location.path === '/' : location.path === to || location.path.startsWith(to + '/'));

  return (
    <div className="shell">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <header className="topbar">
        <button type="button" className="icon menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)} aria-label="Menu">☰</button>
        <Link to="/" className="brand">Coffer</Link>
        <div className="identity" title={session.identity.arn}>
          <span className="arn">{session.identity.arn}</span>
          <span className="region">{session.region}</span>
        </div>
        {themeButton}
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <nav id="nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label="Main">
        <ul>
          {NAV.map((item) => (
            <li key={item.to}>
              <Link to={item.to} aria-current={active(item.to) ? 'page' : undefined}>{item.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <Routes location={location} clients={clients} session={session} />
      </main>
    </div>
  );
}
