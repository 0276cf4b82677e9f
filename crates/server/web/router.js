// The address is the state: every page reads what it shows from the URL, and changes go
// through `go`, so links can be shared, Back works and a reload shows the same page.
let render = () => {};

export function onRoute(callback) {
  render = callback;
}

export function go(url, { replace = false } = {}) {
  const target = new URL(url, location.href);
  if (target.href === location.href && !replace) {
    render();
    return;
  }
  history[replace ? 'replaceState' : 'pushState'](null, '', target.pathname + target.search);
  render();
}
