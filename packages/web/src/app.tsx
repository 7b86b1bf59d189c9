import { lazy, Suspense, type ReactNode } from 'react';
import { LandscapePage } from './pages/landscape-page.js';
import { useRoute } from './router.js';

// Pages other than the landing page load on demand, so the first visit downloads only the landscape.
const MemoryPage = lazy(async () => ({ default: (await import('./pages/memory-page.js')).MemoryPage }));
const PerfPage = lazy(async () => ({ default: (await import('./pages/perf-page.js')).PerfPage }));
const CostPage = lazy(async () => ({ default: (await import('./pages/cost-page.js')).CostPage }));
const ForecastPage = lazy(async () => ({ default: (await import('./pages/forecast-page.js')).ForecastPage }));
const CachingPage = lazy(async () => ({ default: (await import('./pages/caching-page.js')).CachingPage }));
const BreakevenPage = lazy(async () => ({
  default: (await import('./pages/breakeven-page.js')).BreakevenPage,
}));
const QuantPage = lazy(async () => ({ default: (await import('./pages/quant-page.js')).QuantPage }));
const MechanismsPage = lazy(async () => ({
  default: (await import('./pages/mechanisms-page.js')).MechanismsPage,
}));
const DashboardPage = lazy(async () => ({
  default: (await import('./pages/dashboard-page.js')).DashboardPage,
}));

const PAGES = [
  { path: '', label: 'Landscape' },
  { path: 'memory', label: 'Memory' },
  { path: 'perf', label: 'Performance' },
  { path: 'cost', label: 'Cost' },
  { path: 'forecast', label: 'Forecast' },
  { path: 'caching', label: 'Caching' },
  { path: 'breakeven', label: 'Break-even' },
  { path: 'quant', label: 'Quantization' },
  { path: 'mechanisms', label: 'Mechanisms' },
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
          {page === 'forecast' && <ForecastPage route={route} setParams={setParams} />}
          {page === 'caching' && <CachingPage route={route} setParams={setParams} />}
          {page === 'breakeven' && <BreakevenPage route={route} setParams={setParams} />}
          {page === 'quant' && <QuantPage route={route} setParams={setParams} />}
          {page === 'mechanisms' && <MechanismsPage route={route} setParams={setParams} />}
          {page === 'dashboard' && <DashboardPage />}
        </Suspense>
      </main>
    </>
  );
}
