import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Navigate, Outlet, RouterProvider, createBrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { LiveProvider } from './api/live';
import { SessionProvider, useSession } from './api/session';
import { Layout } from './components/Layout';
import { Audit } from './pages/Audit';
import { Compare } from './pages/Compare';
import { Data } from './pages/Data';
import { DatasetDetail, FeatureViewDetail, SnapshotDetail } from './pages/DataDetail';
import { DeploymentDetail } from './pages/DeploymentDetail';
import { Deployments } from './pages/Deployments';
import { ModelDetail } from './pages/ModelDetail';
import { Models } from './pages/Models';
import { Monitoring } from './pages/Monitoring';
import { Overview } from './pages/Overview';
import { RunDetail } from './pages/RunDetail';
import { Runs } from './pages/Runs';
import { SignIn } from './pages/SignIn';
import { VersionDetail } from './pages/VersionDetail';

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
