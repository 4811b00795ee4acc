import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ComponentType, StrictMode, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { Navigate, Outlet, RouterProvider, createBrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { LiveProvider } from './api/live';
import { SessionProvider, useSession } from './api/session';
import { Layout } from './components/Layout';
import { Overview } from './pages/Overview';
import { SignIn } from './pages/SignIn';

/** Pages load when first visited: the Overview needs no chart library, so it draws sooner. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}
const Audit = page(() => import('./pages/Audit'), 'Audit');
const Compare = page(() => import('./pages/Compare'), 'Compare');
const Data = page(() => import('./pages/Data'), 'Data');
const DatasetDetail = page(() => import('./pages/DataDetail'), 'DatasetDetail');
const FeatureViewDetail = page(() => import('./pages/DataDetail'), 'FeatureViewDetail');
const SnapshotDetail = page(() => import('./pages/DataDetail'), 'SnapshotDetail');
const DeploymentDetail = page(() => import('./pages/DeploymentDetail'), 'DeploymentDetail');
const Deployments = page(() => import('./pages/Deployments'), 'Deployments');
const ModelDetail = page(() => import('./pages/ModelDetail'), 'ModelDetail');
const Models = page(() => import('./pages/Models'), 'Models');
const Monitoring = page(() => import('./pages/Monitoring'), 'Monitoring');
const RunDetail = page(() => import('./pages/RunDetail'), 'RunDetail');
const Runs = page(() => import('./pages/Runs'), 'Runs');
const VersionDetail = page(() => import('./pages/VersionDetail'), 'VersionDetail');

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A refusal (403, 404, 400) will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

/** Every page but sign-in needs a session; without one, sign in first and come back. */
function SignedIn() {
  const { session } = useSession();
  if (!session) return <Navigate to="/signin" replace state={{ from: window.location.pathname + window.location.search }} />;
  return (
    <LiveProvider>
      <Layout />
    </LiveProvider>
  );
}

function Root() {
  return (
    <SessionProvider>
      <Outlet />
    </SessionProvider>
  );
}

const router = createBrowserRouter([
  {
    element: <Root />,
    children: [
      { path: '/signin', element: <SignIn /> },
      {
        element: <SignedIn />,
        children: [
          { path: '/', element: <Overview /> },
          { path: '/models', element: <Models /> },
          { path: '/models/:name', element: <ModelDetail /> },
          { path: '/models/:name/versions/:version', element: <VersionDetail /> },
          { path: '/runs', element: <Runs /> },
          { path: '/runs/compare', element: <Compare /> },
          { path: '/runs/:id', element: <RunDetail /> },
          { path: '/deployments', element: <Deployments /> },
          { path: '/deployments/:id', element: <DeploymentDetail /> },
          { path: '/monitoring', element: <Monitoring /> },
          { path: '/monitoring/:model', element: <Monitoring /> },
          { path: '/data', element: <Data /> },
          { path: '/data/datasets/:name', element: <DatasetDetail /> },
          { path: '/data/feature-views/:name', element: <FeatureViewDetail /> },
          { path: '/data/snapshots/:id', element: <SnapshotDetail /> },
          { path: '/audit', element: <Audit /> },
          { path: '*', element: <Navigate to="/" replace /> },
        ],
      },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
