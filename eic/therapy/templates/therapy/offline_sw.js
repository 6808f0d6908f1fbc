// The offline week's service worker: Workbox (vendored, never a CDN) keeps the app's page and the static files.
// The week's data and the queue of changes live in the page's storage, not here.
importScripts('{{ workbox }}workbox-sw.js');
workbox.setConfig({modulePathPrefix: '{{ workbox }}', debug: false});
self.skipWaiting();
workbox.core.clientsClaim();

// Only a real page is kept: never a redirect to the log-in or an error.
const onlyPages = {cacheWillUpdate: async ({response}) =>
  response && response.status === 200 && !response.redirected && response.type === 'basic' ? response : null};

workbox.routing.registerRoute(
  ({request, url}) => request.mode === 'navigate' && url.pathname === '{{ page }}',
  new workbox.strategies.NetworkFirst({cacheName: 'eic-offline-page', networkTimeoutSeconds: 4,
                                       plugins: [onlyPages]}));
workbox.routing.registerRoute(
  ({url}) => url.origin === self.location.origin && url.pathname.startsWith('{{ static_prefix }}'),
  new workbox.strategies.StaleWhileRevalidate({cacheName: 'eic-offline-static', plugins: [onlyPages]}));
