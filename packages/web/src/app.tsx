import { lazy, Suspense, type ReactNode } from 'react';
import { LandscapePage } from './pages/landscape-page.js';
import { useRoute } from './router.js';

// Pages other than the landing page load on demand, so the first visit downloads only the landscape.
const MemoryPage = lazy(async () => ({ default: (await import('./pages/memory-page.js')).MemoryPage }));
const PerfPage = lazy(async () => ({ default: (await import('./pages/perf-page.js')).PerfPage }));
const CostPage = lazy(async () => ({ default: (await import('./pages/cost-page.js')).CostPage }));
const DashboardPage = lazy(async () => ({
  default: (await import('./pages/dashboard-page.js')).DashboardPage,
}));

const PAGES = [
  { path: '', label: 'Landscape' },
  { path: 'memory', label: 'Memory' },
  { path: 'perf', label: 'Performance' },
  { path: 'cost', label: 'Cost' },
  { path: 'dashboard', label: 'Dashboard' },
] as const;

export function App(): ReactNode {
  const [route, setParams] = useRoute();
  const page = PAGES.find((p) => p.path === route.page)?.path ?? '';
  return (
    <>
      <header>
        <a className="brand" href="#/">
          Costwise
        </a>
        <nav aria-label="Pages">
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} aria-current={p.path === page ? 'page' : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        <Suspense fallback={<p>Loading…</p>}>
          {page === '' && <LandscapePage route={route} setParams={setParams} />}
          {page === 'memory' && <MemoryPage route={route} setParams={setParams} />}
          {page === 'perf' && <PerfPage route={route} setParams={setParams} />}
          {page === 'cost' && <CostPage route={route} setParams={setParams} />}
          {page === 'dashboard' && <DashboardPage />}
        </Suspense>
      </main>
    </>
  );
}
